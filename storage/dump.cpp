#include "storage/dump.hpp"

#include "storage/bulk_append.hpp"

#include "storage/schema/dump.capnp.h"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <fmt/format.h>
#include <fmt/std.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace quarry::storage {

namespace {

constexpr char MAGIC[8] = {'Q', 'R', 'Y', 'D', 'U', 'M', 'P', '1'};
constexpr std::size_t TERMS_PER_BATCH = 16'384;
constexpr std::size_t QUADS_PER_BATCH = 65'536;
// Memory for sorting the restored facts into the six index orders (runs beyond it go to
// temporary files).
constexpr std::size_t RESTORE_SORT_MEMORY = std::size_t{256} << 20;

constexpr std::size_t FRAME_HEAD = 12;            // u32 length, u64 hash, little-endian
constexpr std::size_t TERM_BYTES_PER_BATCH = 8 << 20;

// The running checksum over the hashes of all frames, in order.
struct Checksum {
    std::uint64_t value = 0x6a09e667f3bcc908ULL;
    void add(std::uint64_t x) {
        value ^= x + 0x9e3779b97f4a7c15ULL + (value << 6) + (value >> 2);
        value *= 0xff51afd7ed558ccdULL;
    }
};

// While alive, keeps Cap'n Proto from printing to stderr: a reader destroyed while an
// error unwinds logs a second complaint about the same damaged input; the first one
// reaches the caller as a StorageError.
class QuietKj : public kj::ExceptionCallback {
public:
    void logMessage(kj::LogSeverity, const char*, int, int, kj::String&&) override {}
};

} // namespace

namespace {

// Writes the dump to `partial`; errors name `file`, the dump being made.
DumpCounts write_dump(const Store& store, const lmdb::Txn& txn, const std::filesystem::path& partial,
                      const std::filesystem::path& file) {
    kj::AutoCloseFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    if (fd.get() < 0)
        throw StorageError(fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)), errno);
    DumpCounts counts;
    counts.terms = store.dictionary().size(txn);
    counts.facts = store.fact_count(txn);
    Checksum checksum;
    try {
        kj::FdOutputStream raw(fd.get());
        kj::BufferedOutputStreamWrapper out(raw);
        out.write(MAGIC, sizeof MAGIC);
        // Each message goes out as a frame: its packed length and hash, then its bytes.
        const auto write_frame = [&](capnp::MessageBuilder& message) {
            kj::VectorOutputStream packed;
            capnp::writePackedMessage(packed, message);
            const auto bytes = packed.getArray();
            const std::uint64_t hash =
                Dictionary::hash({reinterpret_cast<const char*>(bytes.begin()), bytes.size()});
            checksum.add(hash);
            unsigned char head[FRAME_HEAD];
            for (unsigned i = 0; i < 4; ++i)
                head[i] = static_cast<unsigned char>(bytes.size() >> (8 * i));
            for (unsigned i = 0; i < 8; ++i)
                head[4 + i] = static_cast<unsigned char>(hash >> (8 * i));
            out.write(head, sizeof head);
            out.write(bytes.begin(), bytes.size());
        };
        {
            capnp::MallocMessageBuilder message;
            auto header = message.initRoot<schema::Message>().initHeader();
            header.setFormatVersion(FORMAT_VERSION);
            header.setTerms(counts.terms);
            header.setFacts(counts.facts);
            const auto prefixes = store.prefixes(txn);
            auto list = header.initPrefixes(static_cast<unsigned>(prefixes.size()));
            for (std::size_t i = 0; i < prefixes.size(); ++i) {
                list[static_cast<unsigned>(i)].setName(prefixes[i].first);
                list[static_cast<unsigned>(i)].setIri(prefixes[i].second);
            }
            const auto rules = store.rules(txn);
            auto rule_list = header.initRules(static_cast<unsigned>(rules.size()));
            for (std::size_t i = 0; i < rules.size(); ++i) {
                rule_list[static_cast<unsigned>(i)].setName(rules[i].first);
                rule_list[static_cast<unsigned>(i)].setText(rules[i].second);
            }
            write_frame(message);
        }
        std::vector<std::pair<TermId, std::string>> terms;
        std::size_t batch_bytes = 0;
        auto write_terms = [&] {
            capnp::MallocMessageBuilder message;
            auto batch = message.initRoot<schema::Message>().initTerms();
            auto ids = batch.initIds(static_cast<unsigned>(terms.size()));
            auto encodings = batch.initEncodings(static_cast<unsigned>(terms.size()));
            for (std::size_t i = 0; i < terms.size(); ++i) {
                ids.set(static_cast<unsigned>(i), terms[i].first);
                encodings.set(static_cast<unsigned>(i),
                              capnp::Data::Reader(reinterpret_cast<const kj::byte*>(terms[i].second.data()), terms[i].second.size()));
            }
            write_frame(message);
            terms.clear();
            batch_bytes = 0;
        };
        store.dictionary().for_each(txn, [&](TermId id, std::string_view encoding) {
            terms.emplace_back(id, std::string(encoding));
            batch_bytes += encoding.size();
            if (terms.size() == TERMS_PER_BATCH || batch_bytes >= TERM_BYTES_PER_BATCH)
                write_terms();
        });
        if (!terms.empty())
            write_terms();
        std::vector<TermId> quads;
        std::vector<std::uint64_t> marks; // per quad, as QuadBatch.derived
        const bool any_derived = store.derived_count(txn) > 0;
        auto write_quads = [&] {
            capnp::MallocMessageBuilder message;
            auto batch = message.initRoot<schema::Message>().initQuads();
            auto ids = batch.initIds(static_cast<unsigned>(quads.size()));
            for (std::size_t i = 0; i < quads.size(); ++i)
                ids.set(static_cast<unsigned>(i), quads[i]);
            if (any_derived) {
                auto derived = batch.initDerived(static_cast<unsigned>(marks.size()));
                for (std::size_t i = 0; i < marks.size(); ++i)
                    derived.set(static_cast<unsigned>(i), marks[i]);
            }
            write_frame(message);
            quads.clear();
            marks.clear();
        };
        QuadScan scan = store.scan(txn, QuadPattern{});
        while (auto quad = scan.next()) {
            quads.insert(quads.end(), quad->begin(), quad->end());
            if (any_derived) {
                const auto mark = store.derived(txn, *quad);
                marks.push_back(mark ? std::uint64_t{mark->rank} * 2 + (mark->asserted ? 1 : 0) : 0);
            }
            if (quads.size() >= QUADS_PER_BATCH * 4)
                write_quads();
        }
        if (!quads.empty())
            write_quads();
        {
            capnp::MallocMessageBuilder message;
            message.initRoot<schema::Message>().initTrailer().setChecksum(checksum.value);
            write_frame(message);
        }
        out.flush();
    } catch (const kj::Exception& e) {
        throw StorageError(fmt::format("cannot write {}: {}", file.string(), e.getDescription().cStr()));
    }
    if (::fsync(fd.get()) != 0)
        throw StorageError(fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)), errno);
    return counts;
}

} // namespace

DumpCounts dump(const Store& store, const lmdb::Txn& txn, const std::filesystem::path& file) {
    // Written beside the target, then renamed over it: a failed dump leaves no half file.
    std::filesystem::path partial = file;
    partial += ".partial";
    try {
        const DumpCounts counts = write_dump(store, txn, partial, file);
        std::filesystem::rename(partial, file);
        return counts;
    } catch (const std::filesystem::filesystem_error& e) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw StorageError(fmt::format("cannot write {}: {}", file.string(), e.code().message()));
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw;
    }
}

DumpCounts restore(Store& store, const std::filesystem::path& file) {
    return store.write([&](lmdb::WriteTxn& txn) {
        if (store.fact_count(txn) != 0 || store.dictionary().size(txn) != 0)
            throw StorageError(fmt::format("{} is not empty: restore needs a new database", store.path().string()));
        kj::AutoCloseFd fd(::open(file.c_str(), O_RDONLY));
        if (fd.get() < 0)
            throw StorageError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)), errno);
        DumpCounts counts;
        Checksum checksum;
        QuietKj quiet;
        std::uint64_t at = 0; // where the frame being read starts
        const auto damaged = [&](const std::string& what) {
            return StorageError(fmt::format("{}: byte {}: not a usable Quarry dump: {}", file.string(), at, what));
        };
        try {
            kj::FdInputStream raw(fd.get());
            kj::BufferedInputStreamWrapper in(raw);
            char magic[sizeof MAGIC] = {};
            if (in.tryRead(magic, sizeof magic, sizeof magic) != sizeof magic ||
                std::memcmp(magic, MAGIC, sizeof MAGIC) != 0)
                throw damaged("it does not start like one (a foreign file?)");
            capnp::ReaderOptions limits;
            limits.traversalLimitInWords = 64 * 1024 * 1024; // 512 MiB per message
            limits.nestingLimit = 8;
            std::uint64_t expected_terms = 0, expected_facts = 0;
            bool header_seen = false;
            BulkAppender appender(store, txn, RESTORE_SORT_MEMORY);
            struct stat status {};
            if (::fstat(fd.get(), &status) != 0)
                throw StorageError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)), errno);
            std::uint64_t remaining = static_cast<std::uint64_t>(status.st_size) - sizeof MAGIC;
            kj::Array<kj::byte> frame;
            for (;;) {
                at = static_cast<std::uint64_t>(status.st_size) - remaining;
                unsigned char head[FRAME_HEAD];
                if (in.tryRead(head, sizeof head, sizeof head) != sizeof head)
                    throw damaged("it is truncated");
                std::uint32_t length = 0;
                std::uint64_t hash = 0;
                for (unsigned i = 0; i < 4; ++i)
                    length |= std::uint32_t{head[i]} << (8 * i);
                for (unsigned i = 0; i < 8; ++i)
                    hash |= std::uint64_t{head[4 + i]} << (8 * i);
                remaining -= std::min<std::uint64_t>(remaining, sizeof head);
                if (length > remaining)
                    throw damaged("it is truncated, or a frame length is damaged");
                remaining -= length;
                frame = kj::heapArray<kj::byte>(length);
                if (in.tryRead(frame.begin(), length, length) != length)
                    throw damaged("it is truncated");
                if (Dictionary::hash({reinterpret_cast<const char*>(frame.begin()), length}) != hash)
                    throw damaged("a frame's checksum does not match (damaged)");
                const std::uint64_t chain = checksum.value;
                checksum.add(hash);
                kj::ArrayInputStream packed(frame);
                capnp::PackedMessageReader reader(packed, limits);
                const auto message = reader.getRoot<schema::Message>();
                switch (message.which()) {
                case schema::Message::HEADER: {
                    if (header_seen)
                        throw damaged("a second header");
                    header_seen = true;
                    const auto header = message.getHeader();
                    if (header.getFormatVersion() != FORMAT_VERSION)
                        throw damaged(fmt::format("format version {}, this build reads version {}",
                                                  header.getFormatVersion(), FORMAT_VERSION));
                    expected_terms = header.getTerms();
                    expected_facts = header.getFacts();
                    for (const auto prefix : header.getPrefixes())
                        store.set_prefix(txn, prefix.getName().cStr(), prefix.getIri().cStr());
                    for (const auto rule : header.getRules())
                        store.put_rule(txn, rule.getName().cStr(), rule.getText().cStr());
                    break;
                }
                case schema::Message::TERMS: {
                    if (!header_seen)
                        throw damaged("terms before the header");
                    const auto batch = message.getTerms();
                    const auto ids = batch.getIds();
                    const auto encodings = batch.getEncodings();
                    if (ids.size() != encodings.size())
                        throw damaged("a term batch with mismatched lists");
                    for (unsigned i = 0; i < ids.size(); ++i) {
                        const auto data = encodings[i];
                        const std::string_view encoding(reinterpret_cast<const char*>(data.begin()), data.size());
                        store.insert_term(txn, ids[i], encoding); // validates the encoding
                        ++counts.terms;
                    }
                    break;
                }
                case schema::Message::QUADS: {
                    if (!header_seen)
                        throw damaged("facts before the header");
                    const auto ids = message.getQuads().getIds();
                    if (ids.size() % 4 != 0)
                        throw damaged("a quad batch of the wrong length");
                    const auto derived = message.getQuads().getDerived();
                    if (derived.size() != 0 && derived.size() * 4 != ids.size())
                        throw damaged("a quad batch whose derived marks do not match its facts");
                    for (unsigned i = 0; i < ids.size(); i += 4) {
                        const Quad quad{ids[i], ids[i + 1], ids[i + 2], ids[i + 3]};
                        appender.add(quad);
                        if (derived.size() != 0 && derived[i / 4] != 0) {
                            const std::uint64_t mark = derived[i / 4];
                            if (mark / 2 == 0 || mark / 2 > UINT32_MAX)
                                throw damaged("a derived mark out of range");
                            store.set_derived(txn, quad,
                                              {(mark & 1) != 0, static_cast<std::uint32_t>(mark / 2)});
                        }
                    }
                    break;
                }
                case schema::Message::TRAILER:
                    if (message.getTrailer().getChecksum() != chain)
                        throw damaged("frames are missing or out of order (damaged)");
                    if (remaining != 0)
                        throw damaged("bytes follow its trailer");
                    counts.facts = appender.finish();
                    if (counts.terms != expected_terms || counts.facts != expected_facts)
                        throw damaged("its counts do not match its header");
                    return counts;
                default:
                    throw damaged("an unknown message");
                }
            }
        } catch (const kj::Exception& e) {
            throw damaged(e.getDescription().cStr());
        }
    });
}

} // namespace quarry::storage
