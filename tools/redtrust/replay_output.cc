#include "tools/redtrust/replay_output.h"

#include "engine/io/json_writer.h"

namespace redtrust::cli {

const char* ReplayDecisionName(const sim::ReplayResult& r) {
  if (!r.evaluated) return "ERROR";
  return r.allowed ? "ALLOW" : "DENY";
}

std::string ReplayJson(const ReplayRecord& rec) {
  const sim::ReplayResult& r = rec.result;
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(rec.id).Key("user").String(rec.user).Key("cluster").String(rec.cluster);
  w.Key("command").String(r.command).Key("decision").String(ReplayDecisionName(r));
  w.Key("failing_gate");
  if (r.evaluated && !r.allowed) w.String(sim::GateName(r.failing_gate)); else w.Null();
  w.Key("message").String(r.message);
  w.Key("trace").BeginArray();
  for (const sim::GateStep& s : r.trace) {
    w.BeginObject().Key("gate").String(sim::GateName(s.gate)).Key("passed").Bool(s.passed);
    w.Key("summary").String(s.summary).Key("details").BeginArray();
    for (const std::string& d : s.details) w.String(d);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string ReplayTraceText(const sim::ReplayResult& r) {
  std::string out;
  for (const sim::GateStep& s : r.trace) {
    out += "  " + std::string(sim::GateName(s.gate)) + (s.passed ? ": ok: " : ": FAILED: ") +
           s.summary + "\n";
    for (const std::string& d : s.details) out += "      " + d + "\n";
  }
  return out;
}

}  // namespace redtrust::cli
