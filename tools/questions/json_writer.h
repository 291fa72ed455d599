// JsonWriter: a small append-only JSON text writer for the hot output paths (`eval` lines).
// Strings are escaped per RFC 8259; invalid UTF-8 bytes are written as U+FFFD so the output is
// always valid JSON. Not thread-safe; one per output.
#ifndef REDTRUST_ENGINE_IO_JSON_WRITER_H_
#define REDTRUST_ENGINE_IO_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }
  void Clear();

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // one per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal (with quotes).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_IO_JSON_WRITER_H_
