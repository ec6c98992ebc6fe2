# The dump format: after the 8 bytes "QRYDUMP1", a stream of frames, each a packed message
# after its byte length (u32) and 64-bit hash (u64), little-endian: one header,
# then term batches, then quad batches, then one trailer. Evolve only by appending fields
# with new ordinals.
@0xbc134d6a69630af6;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("quarry::storage::schema");

struct Prefix {
  name @0 :Text;
  iri @1 :Text;
}

struct Rule {
  name @0 :Text;
  text @1 :Text;              # the rule statement, IRIs written whole
}

struct Header {
  formatVersion @0 :UInt32;   # the database format version the ids belong to
  terms @1 :UInt64;           # dictionary entries that follow
  facts @2 :UInt64;           # quads that follow
  prefixes @3 :List(Prefix);
  rules @4 :List(Rule);       # absent in dumps made before rules existed
}

struct TermBatch {
  ids @0 :List(UInt64);       # ascending
  encodings @1 :List(Data);   # the canonical encoding of each (storage/term_codec.hpp)
}

struct QuadBatch {
  ids @0 :List(UInt64);       # s, p, o, c of each quad in turn, in SPOC order
  derived @1 :List(UInt64);   # per quad: 0 if no rule derives it, else rank * 2 + 1 if it
                              # is also asserted, rank * 2 if not; absent: none derived
}

struct Trailer {
  checksum @0 :UInt64;        # chains the hashes of all earlier frames, in order
}

struct Message {
  union {
    header @0 :Header;
    terms @1 :TermBatch;
    quads @2 :QuadBatch;
    trailer @3 :Trailer;
  }
}
