// Writing the AWS Query APIs' XML answers the way AWS lays them out: one element per line,
// two spaces per level, a final newline. Text is escaped, and anything XML 1.0 cannot carry
// (control characters, invalid UTF-8) becomes U+FFFD so that every answer parses.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_XML_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_XML_H_

#include <string>
#include <string_view>

namespace redtrust::server::aws {

// &, < and > as entities (text nodes only: redtrust writes no attribute values but
// constant namespaces); C0 controls other than tab, LF and CR, and invalid UTF-8
// sequences, as U+FFFD.
std::string XmlEscape(std::string_view text);

class XmlWriter {
 public:
  // <tag xmlns="ns">
  void OpenRoot(std::string_view tag, std::string_view ns);
  void Open(std::string_view tag);
  void Close(std::string_view tag);
  // <tag>escaped text</tag>
  void Leaf(std::string_view tag, std::string_view text);
  // <tag/>
  void Empty(std::string_view tag);
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Indent();
  std::string out_;
  int depth_ = 0;
};

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_XML_H_
