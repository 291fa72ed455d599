// The AWS Query protocol's request side: parameters from the query string and, for a POST, the
// application/x-www-form-urlencoded body; lists written as `Name.member.N` (N from 1) and list
// members with fields as `Name.member.N.Field`. The first occurrence of a name wins, as STS
// does with duplicate parameters (docs/aws-api.md, "Parameters").
//
// Thread-safety: a plain value. Cost: one pass over the query and the body.
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_QUERY_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_QUERY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/redtrustd/handler.h"

namespace redtrust::server::aws {

class QueryParams {
 public:
  // Query-string parameters first, then the body's when the request is a POST whose
  // Content-Type is application/x-www-form-urlencoded (any parameters after it, such as
  // "; charset=utf-8"). Names and values are form-decoded ('+' is a space).
  static QueryParams FromRequest(const HttpRequest& request);
  // From one form-encoded string (tests).
  static QueryParams FromForm(std::string_view form);

  // The first value of `name`, or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // True when some parameter name starts with `prefix` (e.g. "PolicyArns.").
  bool HasPrefix(std::string_view prefix) const;

  // The list `name`: the values of `name.member.N` ordered by N (the first value of each N).
  // An empty list may be sent as `name=` (botocore does); both give {}.
  std::vector<std::string> List(std::string_view name) const;
  // The structures of list `name`: for each N (ordered), field -> first value of
  // `name.member.N.field`, where `field` may itself contain dots
  // ("ContextKeyValues.member.1").
  std::vector<std::map<std::string, std::string>> Structs(std::string_view name) const;

  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  void AddForm(std::string_view form);
  std::vector<std::pair<std::string, std::string>> params_;
};

// The values of list `field` inside one structure of QueryParams::Structs
// (`field.member.N`, ordered by N).
std::vector<std::string> StructList(const std::map<std::string, std::string>& s,
                                    std::string_view field);

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_QUERY_H_
