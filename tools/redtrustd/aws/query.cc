#include "tools/redtrustd/aws/query.h"

#include <algorithm>
#include <charconv>

#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::server::aws {

namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// "3" -> 3; "03", "", "x", "0" -> nullopt (members are numbered from 1).
std::optional<size_t> MemberIndex(std::string_view s) {
  if (s.empty() || s[0] == '0' || s.size() > 9) return std::nullopt;
  size_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// For a parameter name `prefix.member.N[.rest]`: N and rest ("" when none).
std::optional<std::pair<size_t, std::string_view>> SplitMember(std::string_view name,
                                                               std::string_view prefix) {
  if (name.size() <= prefix.size() + 8 || name.substr(0, prefix.size()) != prefix ||
      name.substr(prefix.size(), 8) != ".member.") {
    return std::nullopt;
  }
  std::string_view rest = name.substr(prefix.size() + 8);
  size_t dot = rest.find('.');
  auto n = MemberIndex(rest.substr(0, dot));
  if (!n) return std::nullopt;
  return std::make_pair(*n,
                        dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1));
}

}  // namespace

void QueryParams::AddForm(std::string_view form) {
  while (!form.empty()) {
    size_t amp = form.find('&');
    std::string_view part = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    params_.emplace_back(PercentDecode(k, true), PercentDecode(v, true));
  }
}

QueryParams QueryParams::FromRequest(const HttpRequest& request) {
  QueryParams p;
  std::string_view target = request.target();
  size_t q = target.find('?');
  if (q != std::string_view::npos) p.AddForm(target.substr(q + 1));
  if (request.method() == http::verb::post) {
    auto ct = request.find(http::field::content_type);
    if (ct != request.end() &&
        StartsWithIgnoreCase(ct->value(), "application/x-www-form-urlencoded")) {
      p.AddForm(request.body());
    }
  }
  return p;
}

QueryParams QueryParams::FromForm(std::string_view form) {
  QueryParams p;
  p.AddForm(form);
  return p;
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

bool QueryParams::HasPrefix(std::string_view prefix) const {
  for (const auto& [k, v] : params_) {
    if (k.size() >= prefix.size() && std::string_view(k).substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> QueryParams::List(std::string_view name) const {
  std::map<size_t, std::string> members;
  for (const auto& [k, v] : params_) {
    auto m = SplitMember(k, name);
    if (m && m->second.empty()) members.emplace(m->first, v);  // emplace keeps the first
  }
  std::vector<std::string> out;
  out.reserve(members.size());
  for (auto& [n, v] : members) out.push_back(v);
  return out;
}

std::vector<std::map<std::string, std::string>> QueryParams::Structs(std::string_view name) const {
  std::map<size_t, std::map<std::string, std::string>> members;
  for (const auto& [k, v] : params_) {
    auto m = SplitMember(k, name);
    if (m && !m->second.empty()) members[m->first].emplace(std::string(m->second), v);
  }
  std::vector<std::map<std::string, std::string>> out;
  out.reserve(members.size());
  for (auto& [n, s] : members) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> StructList(const std::map<std::string, std::string>& s,
                                    std::string_view field) {
  std::map<size_t, std::string> members;
  for (const auto& [k, v] : s) {
    auto m = SplitMember(k, field);
    if (m && m->second.empty()) members.emplace(m->first, v);
  }
  std::vector<std::string> out;
  for (auto& [n, v] : members) out.push_back(v);
  return out;
}

}  // namespace redtrust::server::aws
