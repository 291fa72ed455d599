#include "tools/redtrustd/aws/xml.h"

#include <cstdint>

namespace redtrust::server::aws {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid (overlong forms, surrogates and
// code points above U+10FFFF included).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = s[i + k];
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
    return 0;
  }
  return n;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  bool plain = true;  // the common case: printable ASCII without markup characters
  for (unsigned char c : text) {
    plain = plain && c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>';
  }
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

void XmlWriter::Indent() { out_.append(static_cast<size_t>(depth_) * 2, ' '); }

void XmlWriter::OpenRoot(std::string_view tag, std::string_view ns) {
  Indent();
  out_ += '<';
  out_.append(tag);
  out_ += " xmlns=\"";
  out_.append(ns);
  out_ += "\">\n";
  ++depth_;
}

void XmlWriter::Open(std::string_view tag) {
  Indent();
  out_ += '<';
  out_.append(tag);
  out_ += ">\n";
  ++depth_;
}

void XmlWriter::Close(std::string_view tag) {
  --depth_;
  Indent();
  out_ += "</";
  out_.append(tag);
  out_ += ">\n";
}

void XmlWriter::Leaf(std::string_view tag, std::string_view text) {
  Indent();
  out_ += '<';
  out_.append(tag);
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_.append(tag);
  out_ += ">\n";
}

void XmlWriter::Empty(std::string_view tag) {
  Indent();
  out_ += '<';
  out_.append(tag);
  out_ += "/>\n";
}

}  // namespace redtrust::server::aws
