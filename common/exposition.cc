// SPDX-License-Identifier: Apache-2.0
#include "common/exposition.h"

namespace hostmon::common {
namespace {

void AppendEscaped(std::string* out, absl::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && escape_quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

void AppendLabel(std::string* out, const LabelRef& l) {
  out->append(l.name.data(), l.name.size());
  out->append("=\"");
  AppendEscaped(out, l.value, /*escape_quote=*/true);
  out->push_back('"');
}

void AppendLabels(std::string* out, LabelSpan labels, bool* first) {
  for (const LabelRef& l : labels) {
    out->push_back(*first ? '{' : ',');
    *first = false;
    AppendLabel(out, l);
  }
}

}  // namespace

void AppendLabelPairs(std::string* out, LabelSpan labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendLabel(out, labels[i]);
  }
}

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case ::hostmon::ingest::v1::METRIC_TYPE_COUNTER:
      return "counter";
    case ::hostmon::ingest::v1::METRIC_TYPE_GAUGE:
      return "gauge";
    default:
      return "untyped";
  }
}

void ExpositionWriter::BeginFamily(absl::string_view name, MetricType type,
                                   absl::string_view help) {
  if (!help.empty()) {
    out_->append("# HELP ");
    out_->append(name.data(), name.size());
    out_->push_back(' ');
    AppendEscaped(out_, help, /*escape_quote=*/false);
    out_->push_back('\n');
  }
  out_->append("# TYPE ");
  out_->append(name.data(), name.size());
  out_->push_back(' ');
  out_->append(MetricTypeName(type));
  out_->push_back('\n');
}

void ExpositionWriter::Sample(absl::string_view name, LabelSpan first, LabelSpan second,
                              double value) {
  out_->append(name.data(), name.size());
  bool first_label = true;
  AppendLabels(out_, first, &first_label);
  AppendLabels(out_, second, &first_label);
  if (!first_label) out_->push_back('}');
  out_->push_back(' ');
  AppendDouble(out_, value);
  out_->push_back('\n');
}

}  // namespace hostmon::common
