// Early framing checks: whether the bytes of an HTTP/1.1 request that the parser is still
// waiting on can become valid framing at all.
//
// Boost.Beast's parser judges a request line and header only once the whole header (up to the
// blank line) has arrived, and a chunk-size line only once its CRLF has: "GARBAGE" or a chunk
// size "zz" sent without a line end would wait for the read timeout (10 s) before its 400. The
// server calls CheckFramingPrefix on what Beast left unparsed whenever Beast asks for more, and
// answers 400 at once when it returns an error. The check is a prefix check that is never
// stricter than Beast on a complete message: it rejects only bytes after which no continuation
// can be a request Beast accepts (RFC 9112 sections 2-3, 5 and 7.1: a method byte outside
// tchar, a control byte or space where the target or a field needs text, a version other than
// HTTP/D.D, a field name byte outside tchar, a control byte in a field value, a bare CR or LF,
// a chunk size that is not 1 to 16 hex digits, a control byte in a chunk extension).
//
// Thread-safety: pure functions.
#ifndef REDTRUST_TOOLS_REDTRUSTD_FRAMING_H_
#define REDTRUST_TOOLS_REDTRUSTD_FRAMING_H_

#include <optional>
#include <string>
#include <string_view>

namespace redtrust::server {

enum class FramingPhase {
  // From the first byte of the request: request line and header fields, not yet complete.
  kHeader,
  // The header fields after a request line the parser has already taken (Beast consumes the
  // request line as soon as its CRLF arrives, and the fields only once the blank line has).
  kFields,
  // A chunked body at a chunk boundary: an optional CRLF ending the previous chunk's data,
  // then the chunk-size line and, after the last chunk (size 0), the trailer fields.
  kChunkHeader,
};

// nullopt while `pending` is a prefix of valid framing for `phase`; otherwise why not, in
// words that quote no byte of the request raw ("chunk size: byte 0x7A is not a hex digit").
// Bytes after the end of the header (kHeader) or of the chunk-size line of a non-last chunk
// (kChunkHeader) are not looked at.
std::optional<std::string> CheckFramingPrefix(std::string_view pending, FramingPhase phase);

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_FRAMING_H_
