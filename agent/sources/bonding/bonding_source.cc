// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/bonding/bonding_source.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kSlaves{"node_bonding_slaves", kGauge,
                             "Number of configured slaves per bonding interface."};
constexpr MetricDesc kActive{"node_bonding_active", kGauge,
                             "Number of active slaves per bonding interface."};

// bonding_masters and bonding/slaves hold names separated by blanks on one line ("bond0 bond1\n",
// drivers/net/bonding/bond_sysfs.c); split on any whitespace, as Go's strings.Fields.
void SplitNames(absl::string_view text, common::Fields* out) {
  out->clear();
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out->push_back(text.substr(start, i - start));
  }
}

class BondingSource : public Source {
 public:
  explicit BondingSource(const common::FsRoot& fs) : net_(fs.Sys("class/net")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(Path("/bonding_masters"), &masters_));
    SplitNames(masters_, &master_names_);
    for (const absl::string_view master : master_names_) {
      HM_RETURN_IF_ERROR(common::ReadFileTo(Path("/", master, "/bonding/slaves"), &slaves_));
      SplitNames(slaves_, &slave_names_);
      int configured = 0, active = 0;
      for (const absl::string_view slave : slave_names_) {
        absl::Status s = common::ReadFileTo(
            Path("/", master, "/lower_", slave, "/bonding_slave/mii_status"), &status_);
        if (absl::IsNotFound(s)) {
          s = common::ReadFileTo(Path("/", master, "/slave_", slave, "/bonding_slave/mii_status"),
                                 &status_);
        }
        HM_RETURN_IF_ERROR(s);
        ++configured;
        if (absl::StripAsciiWhitespace(status_) == "up") ++active;
      }
      const LabelRef labels[] = {{"master", master}};
      out.Add(kSlaves, labels, configured);
      out.Add(kActive, labels, active);
    }
    return absl::OkStatus();
  }

 private:
  // <net_><parts...> in a reused buffer: no allocation per file in steady state.
  template <typename... Parts>
  const std::string& Path(const Parts&... parts) {
    path_.assign(net_);
    absl::StrAppend(&path_, parts...);
    return path_;
  }

  std::string net_;
  std::string path_;
  std::string masters_, slaves_, status_;
  common::Fields master_names_, slave_names_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeBondingSource(const SourceContext& ctx) {
  return std::make_unique<BondingSource>(*ctx.fs);
}

}  // namespace hostmon::agent
