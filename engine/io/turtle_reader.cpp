#include "engine/io/turtle_reader.hpp"

#include "parser/lexer.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <serd/serd.h>
#include <thread>

namespace quarry::engine::io {

namespace {

constexpr std::size_t PAGE_BYTES = 1 << 16; // serd reads the input a page at a time

std::string_view view(const SerdNode* node) {
    return node && node->buf
               ? std::string_view(reinterpret_cast<const char*>(node->buf), node->n_bytes)
               : std::string_view();
}

std::string_view view(const SerdChunk& chunk) {
    return chunk.buf ? std::string_view(reinterpret_cast<const char*>(chunk.buf), chunk.len)
                     : std::string_view();
}

// The parts of an IRI reference (RFC 3986, 3): an absent part is nullopt.
struct IriParts {
    std::optional<std::string_view> scheme, authority, query, fragment;
    std::string_view path;
};

IriParts split(std::string_view iri) {
    IriParts parts;
    std::size_t at = 0;
    const std::size_t colon = iri.find_first_of(":/?#");
    if (colon != std::string_view::npos && iri[colon] == ':' && colon > 0 &&
        std::isalpha(static_cast<unsigned char>(iri[0])) &&
        iri.substr(0, colon).find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") ==
            std::string_view::npos) {
        parts.scheme = iri.substr(0, colon);
        at = colon + 1;
    }
    if (iri.compare(at, 2, "//") == 0) {
        const std::size_t end = std::min(iri.find_first_of("/?#", at + 2), iri.size());
        parts.authority = iri.substr(at + 2, end - at - 2);
        at = end;
    }
    const std::size_t path_end = std::min(iri.find_first_of("?#", at), iri.size());
    parts.path = iri.substr(at, path_end - at);
    at = path_end;
    if (at < iri.size() && iri[at] == '?') {
        const std::size_t end = std::min(iri.find('#', at), iri.size());
        parts.query = iri.substr(at + 1, end - at - 1);
        at = end;
    }
    if (at < iri.size() && iri[at] == '#')
        parts.fragment = iri.substr(at + 1);
    return parts;
}

// RFC 3986, 5.2.4.
std::string remove_dot_segments(std::string_view input) {
    std::string out;
    while (!input.empty()) {
        if (input.substr(0, 3) == "../")
            input.remove_prefix(3);
        else if (input.substr(0, 2) == "./")
            input.remove_prefix(2);
        else if (input.substr(0, 3) == "/./")
            input.remove_prefix(2);
        else if (input == "/.")
            input = "/";
        else if (input.substr(0, 4) == "/../" || input == "/..") {
            input = input.size() == 3 ? std::string_view("/") : input.substr(3);
            const std::size_t slash = out.rfind('/');
            out.erase(slash == std::string::npos ? 0 : slash);
        } else if (input == "." || input == "..")
            input = {};
        else {
            const std::size_t end =
                std::min(input.find('/', input[0] == '/' ? 1 : 0), input.size());
            out.append(input.substr(0, end));
            input.remove_prefix(end);
        }
    }
    return out;
}

bool has_dot_segment(std::string_view path) {
    return path.find("/.") != std::string_view::npos || path.substr(0, 1) == ".";
}

} // namespace

// `reference` resolved against the absolute IRI `base` (RFC 3986, 5.2.2) into `out`.
void resolve_iri(std::string_view base, std::string_view reference, std::string& out) {
    const IriParts r = split(reference);
    if (r.scheme && !has_dot_segment(r.path)) { // the usual case: absolute, nothing to do
        out.assign(reference);
        return;
    }
    const IriParts b = split(base);
    std::optional<std::string_view> scheme, authority, query;
    std::string path;
    if (r.scheme) {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        if (r.authority) {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            if (r.path.empty()) {
                path = b.path;
                query = r.query ? r.query : b.query;
            } else {
                if (r.path[0] == '/') {
                    path = remove_dot_segments(r.path);
                } else {
                    std::string merged;
                    if (b.authority && b.path.empty())
                        merged = "/";
                    else if (const std::size_t slash = b.path.rfind('/');
                             slash != std::string_view::npos)
                        merged = b.path.substr(0, slash + 1);
                    merged += r.path;
                    path = remove_dot_segments(merged);
                }
                query = r.query;
            }
            authority = b.authority;
        }
        scheme = b.scheme;
    }
    out.clear();
    if (scheme) {
        out += *scheme;
        out += ':';
    }
    if (authority) {
        out += "//";
        out += *authority;
    }
    out += path;
    if (query) {
        out += '?';
        out += *query;
    }
    if (r.fragment) {
        out += '#';
        out += *r.fragment;
    }
}

struct TurtleReader::Impl {
    TurtleReader& owner;
    std::istream& in;
    std::string name;
    SerdEnv* env = nullptr;
    SerdReader* reader = nullptr;

    // serd pushes statements into batches on a thread of its own; next() takes them. At
    // most AHEAD batches wait, so memory stays bounded however long a statement (a TriG
    // graph block is one) runs.
    static constexpr std::size_t BATCH = 1024, AHEAD = 4;
    struct Batch {
        std::vector<RdfQuad> quads; // the first `count` are statements
        std::size_t count = 0;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Batch> full;     // filled, not yet taken
    std::vector<Batch> spare;   // taken, for reuse
    bool done = false;          // the thread has handed over everything it will
    bool stop = false;          // the reader is going: serd stops at the next statement
    std::exception_ptr failure; // after the statements handed over
    std::thread thread;
    Batch filling;                       // the thread's
    Batch taking;                        // next()'s
    std::size_t taken = 0;               // of taking
    std::atomic<std::uint64_t> bytes{0}; // read from the input so far

    // The first error serd (or a check here) found; the thread's.
    bool failed = false;
    std::size_t error_line = 0, error_column = 0;
    std::string error_message, error_token;
    // error_token for an escape of no Unicode character: the first such \\u or \\U is the place.
    static constexpr const char* BAD_ESCAPE = "\\u";

    static bool bad_escape(const std::string& line, std::size_t at) {
        const std::size_t digits = line.compare(at, 2, "\\u") == 0   ? 4
                                   : line.compare(at, 2, "\\U") == 0 ? 8
                                                                     : 0;
        if (digits == 0 || at + 2 + digits > line.size())
            return false;
        char32_t cp = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            const char c = line[at + 2 + i];
            if (!std::isxdigit(static_cast<unsigned char>(c)))
                return false;
            cp = cp * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(c))
                                                     ? c - '0'
                                                     : (c | 0x20) - 'a' + 10);
        }
        return (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF;
    }
    std::string base; // the IRI relative IRIs resolve against

    bool trig;

    Impl(TurtleReader& o, std::istream& i, std::string n, bool t)
        : owner(o), in(i), name(std::move(n)), trig(t) {}
    ~Impl() {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        if (thread.joinable())
            thread.join();
        serd_reader_free(reader);
        serd_env_free(env);
    }

    // The thread: all of the input through serd, then the end (or the error).
    void run() {
        try {
            const SerdStatus st =
                serd_reader_read_source(reader, read, stream_error, this,
                                        reinterpret_cast<const uint8_t*>(name.c_str()), PAGE_BYTES);
            if (!stop && filling.count > 0)
                hand_over();
            if (!stop && (failed || st > SERD_FAILURE)) {
                if (!error_token.empty())
                    locate_token();
                throw ImportError(name, error_line, error_column,
                                  failed ? error_message : "malformed statement");
            }
        } catch (...) {
            std::lock_guard lock(mutex);
            failure = std::current_exception();
        }
        {
            std::lock_guard lock(mutex);
            done = true;
        }
        changed.notify_all();
    }

    // Hands the filled batch over, waiting for room; false if the reader is going.
    bool hand_over() {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || full.size() < AHEAD; });
        if (stop)
            return false;
        full.push_back(std::move(filling));
        filling = Batch();
        if (!spare.empty()) {
            filling = std::move(spare.back());
            spare.pop_back();
        }
        filling.count = 0;
        lock.unlock();
        changed.notify_all();
        return true;
    }

    // The IRI of a URI or CURIE node into `out`; false (after noting an error) if a prefix
    // is undeclared.
    bool iri(const SerdNode* node, std::string& out) {
        if (node->type == SERD_CURIE) {
            SerdChunk prefix{nullptr, 0}, suffix{nullptr, 0};
            if (serd_env_expand(env, node, &prefix, &suffix) != SERD_SUCCESS) {
                const std::string text(view(node));
                error("undeclared prefix '" + text.substr(0, text.find(':') + 1) + "' in " + text,
                      text);
                return false;
            }
            out.assign(view(prefix));
            out.append(view(suffix));
            return true;
        }
        resolve_iri(base, view(node), out);
        return true;
    }

    // serd writes an escape of no Unicode character (a surrogate, \\ud800) as the bytes
    // UTF-8 would give it, which are not UTF-8: refused here.
    void check_utf8(const std::string& text) {
        if (parser::find_invalid_utf8(text) != std::string::npos)
            error("escape names no Unicode character", BAD_ESCAPE);
    }

    void term(const SerdNode* node, RdfTerm& out) {
        out.lang.clear();
        out.datatype.clear();
        if (node->type == SERD_BLANK) {
            out.kind = RdfTerm::BLANK;
            out.value.assign(view(node));
        } else if (node->type == SERD_LITERAL) {
            out.kind = RdfTerm::LITERAL;
            out.value.assign(view(node));
            check_utf8(out.value);
        } else {
            out.kind = RdfTerm::IRI;
            iri(node, out.value);
            check_utf8(out.value);
        }
    }

    // Notes an error found in a statement serd read, unless one is noted already. serd
    // does not say where the statement was, so the position is that of the first
    // occurrence of `token` in the input (found again once reading has stopped).
    void error(std::string message, std::string token) {
        if (failed)
            return;
        failed = true;
        error_message = std::move(message);
        error_token = std::move(token);
    }

    // The line and column of the first occurrence of error_token in the input that
    // follows a blank or a punctuation mark: the first use of the undeclared prefix.
    void locate_token() {
        error_line = 0;
        in.clear();
        if (!in.seekg(0))
            return;
        std::string line;
        for (std::size_t number = 1; std::getline(in, line); ++number)
            for (std::size_t at = line.find(error_token == BAD_ESCAPE ? "\\" : error_token);
                 at != std::string::npos;
                 at = line.find(error_token == BAD_ESCAPE ? "\\" : error_token, at + 1))
                if (error_token == BAD_ESCAPE ? bad_escape(line, at)
                                              : at == 0 || std::strchr(" \t;,([{^", line[at - 1])) {
                    error_line = number;
                    error_column = 1;
                    for (std::size_t i = 0; i < at; ++i) // columns count characters
                        error_column += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
                    return;
                }
    }

    static SerdStatus on_error(void* handle, const SerdError* e) {
        auto& self = *static_cast<Impl*>(handle);
        char buffer[512];
        va_list args;
        va_copy(args, *e->args);
        std::vsnprintf(buffer, sizeof buffer, e->fmt, args);
        va_end(args);
        std::string message = buffer;
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        if (!self.failed) {
            self.failed = true;
            self.error_message = message;
        }
        if (self.error_line == 0) {
            self.error_line = e->line;
            self.error_column = e->col + 1;
        }
        return SERD_SUCCESS;
    }

    static SerdStatus on_base(void* handle, const SerdNode* uri) {
        auto& self = *static_cast<Impl*>(handle);
        std::string resolved_base;
        resolve_iri(self.base, view(uri), resolved_base);
        self.base = std::move(resolved_base);
        return SERD_SUCCESS;
    }

    static SerdStatus on_prefix(void* handle, const SerdNode* name, const SerdNode* uri) {
        auto& self = *static_cast<Impl*>(handle);
        std::string absolute;
        resolve_iri(self.base, view(uri), absolute);
        const SerdNode absolute_node =
            serd_node_from_string(SERD_URI, reinterpret_cast<const uint8_t*>(absolute.c_str()));
        if (const SerdStatus st = serd_env_set_prefix(self.env, name, &absolute_node))
            return st;
        // The IRI as declared, resolved against the base: what name: expands to now.
        std::string curie(view(name));
        curie += ':';
        const SerdNode node =
            serd_node_from_string(SERD_CURIE, reinterpret_cast<const uint8_t*>(curie.c_str()));
        std::string iri;
        self.iri(&node, iri);
        std::string prefix(view(name));
        auto& prefixes = self.owner.prefixes_;
        for (const auto& [known, known_iri] : prefixes)
            if (known == prefix) {
                if (known_iri != iri)
                    self.owner.clashes_.push_back(prefix);
                return SERD_SUCCESS;
            }
        prefixes.emplace_back(std::move(prefix), std::move(iri));
        return SERD_SUCCESS;
    }

    static SerdStatus on_statement(void* handle, SerdStatementFlags, const SerdNode* graph,
                                   const SerdNode* subject, const SerdNode* predicate,
                                   const SerdNode* object, const SerdNode* datatype,
                                   const SerdNode* lang) {
        auto& self = *static_cast<Impl*>(handle);
        if (self.failed)
            return SERD_ERR_BAD_SYNTAX;
        if (self.filling.count == BATCH && !self.hand_over())
            return SERD_ERR_UNKNOWN; // stop reading
        if (self.filling.quads.size() <= self.filling.count)
            self.filling.quads.resize(self.filling.count + 1);
        RdfQuad& quad = self.filling.quads[self.filling.count++];
        self.term(subject, quad.subject);
        self.term(predicate, quad.predicate);
        self.term(object, quad.object);
        if (object->type == SERD_LITERAL) {
            if (lang && lang->buf)
                quad.object.lang.assign(view(lang));
            else if (datatype && datatype->buf)
                self.iri(datatype, quad.object.datatype);
        }
        if (graph && graph->buf && !self.trig) {
            // serd reads a named graph block in Turtle too.
            std::string written(view(graph));
            if (graph->type == SERD_URI)
                written = "<" + written + ">";
            else if (graph->type == SERD_BLANK)
                written = "_:" + written;
            self.error(
                "syntax does not support graphs: a graph block is TriG (load the file as trig)",
                written);
            return SERD_ERR_BAD_SYNTAX;
        }
        if (graph && graph->buf) {
            if (!quad.graph)
                quad.graph.emplace();
            self.term(graph, *quad.graph);
        } else {
            quad.graph.reset();
        }
        return self.failed ? SERD_ERR_BAD_CURIE : SERD_SUCCESS;
    }

    static std::size_t read(void* buf, std::size_t, std::size_t count, void* stream) {
        auto& self = *static_cast<Impl*>(stream);
        self.in.read(static_cast<char*>(buf), static_cast<std::streamsize>(count));
        const auto got = static_cast<std::size_t>(self.in.gcount());
        self.bytes.fetch_add(got, std::memory_order_relaxed);
        return got;
    }

    static int stream_error(void* stream) { return static_cast<Impl*>(stream)->in.bad() ? 1 : 0; }
};

TurtleReader::TurtleReader(std::istream& in, std::string name, bool trig, const std::string& base)
    : impl_(std::make_unique<Impl>(*this, in, std::move(name), trig)) {
    Impl& impl = *impl_;
    impl.base = base;
    impl.env = serd_env_new(nullptr);
    impl.reader = serd_reader_new(trig ? SERD_TRIG : SERD_TURTLE, &impl, nullptr, Impl::on_base,
                                  Impl::on_prefix, Impl::on_statement, nullptr);
    serd_reader_set_strict(impl.reader, true);
    serd_reader_set_error_sink(impl.reader, Impl::on_error, &impl);
    impl.thread = std::thread([&impl] { impl.run(); });
}

TurtleReader::~TurtleReader() {
    impl_.reset(); // stops the thread before the prefixes it writes go
}

bool TurtleReader::next(RdfQuad& quad) {
    Impl& impl = *impl_;
    while (impl.taken == impl.taking.count) {
        std::unique_lock lock(impl.mutex);
        if (!impl.taking.quads.empty()) {
            impl.spare.push_back(std::move(impl.taking));
            impl.taking = Impl::Batch();
        }
        impl.taken = 0;
        impl.changed.wait(lock, [&] { return !impl.full.empty() || impl.done; });
        if (!impl.full.empty()) {
            impl.taking = std::move(impl.full.front());
            impl.full.pop_front();
            lock.unlock();
            impl.changed.notify_all();
            continue;
        }
        if (impl.failure) {
            const std::exception_ptr failure = impl.failure;
            impl.failure = nullptr;
            std::rethrow_exception(failure);
        }
        return false;
    }
    std::swap(quad, impl.taking.quads[impl.taken++]); // the strings' buffers go round
    return true;
}

std::uint64_t TurtleReader::bytes_read() const noexcept {
    return impl_->bytes.load(std::memory_order_relaxed);
}

std::string file_iri(const std::string& path) {
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(path, error);
    const std::string text = error ? path : absolute.generic_string();
    std::string out = "file://";
    for (const unsigned char c : text) {
        if (std::isalnum(c) || std::strchr("/-._~!$&'()*+,;=:@", c) || c >= 0x80)
            out += static_cast<char>(c);
        else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

} // namespace quarry::engine::io
