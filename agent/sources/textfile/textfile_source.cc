// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/textfile/textfile_source.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/textfile/textfile_parser.h"
#include "common/bounded_read.h"
#include "common/dir_entries.h"
#include "common/fs_root.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kMtime{"node_textfile_mtime_seconds", kGauge,
                            "Unixtime mtime of textfiles successfully read."};
constexpr MetricDesc kScrapeError{"node_textfile_scrape_error", kGauge,
                                  "1 if there was an error opening or reading a file, 0 otherwise"};

class RealDirOps : public TextfileDirOps {
 public:
  size_t Glob(const std::string& pattern, std::vector<std::string>* paths) override {
    size_t n = 0;
    glob_t g;
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (; n < g.gl_pathc; ++n) {
        if (n == paths->size()) paths->emplace_back();
        (*paths)[n].assign(g.gl_pathv[n]);
      }
    }
    ::globfree(&g);
    return n;
  }

  absl::Status ListDir(const std::string& dir, common::DirListing* out) override {
    return common::ListDir(dir, out);
  }

  absl::Status MtimeSeconds(const std::string& path, int64_t* seconds) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return absl::UnavailableError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
    }
    *seconds = static_cast<int64_t>(st.st_mtim.tv_sec);
    return absl::OkStatus();
  }
};

// A set of series hashes that keeps its memory across cycles (absl's clear() frees tables of more
// than 127 slots, i.e. would allocate every cycle for a larger textfile directory).
class HashSet {
 public:
  void Clear() {
    std::fill(slots_.begin(), slots_.end(), 0);
    used_ = 0;
  }
  // False when `h` was already present.
  bool Insert(size_t h) {
    if (h == 0) h = 1;  // 0 marks an empty slot
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++used_;
        return true;
      }
    }
  }

 private:
  void Grow() {
    std::vector<size_t> old(std::max<size_t>(64, slots_.size() * 2), 0);
    old.swap(slots_);
    used_ = 0;
    for (size_t h : old) {
      if (h != 0) Insert(h);
    }
  }
  std::vector<size_t> slots_;
  size_t used_ = 0;
};

MetricType AgentType(TextfileType type) {
  switch (type) {
    case TextfileType::kCounter:
      return kCounter;
    case TextfileType::kGauge:
      return kGauge;
    default:
      // The protocol carries gauge/counter/untyped only: summary and histogram samples go out
      // as untyped series under their own names (foo{quantile}, foo_sum, foo_count, foo_bucket).
      return kUntyped;
  }
}

class TextfileSource : public Source {
 public:
  TextfileSource(std::string directory, std::unique_ptr<TextfileDirOps> ops, size_t max_file_bytes)
      : directory_(std::move(directory)), ops_(std::move(ops)), max_file_bytes_(max_file_bytes) {}

  absl::Status Collect(SampleWriter& out) override {
    errors_.clear();
    log_.clear();
    seen_.Clear();
    n_read_ = 0;
    if (!directory_.empty()) {
      // As 1.5.0: the option is a glob; when it matches nothing it is taken as a directory.
      size_t n = ops_->Glob(directory_, &dirs_);
      if (n == 0) {
        if (dirs_.empty()) dirs_.emplace_back();
        dirs_[0].assign(directory_);
        n = 1;
      }
      for (size_t i = 0; i < n; ++i) CollectDir(dirs_[i], out);
    }
    // node_exporter sorts the mtime series by path.
    std::sort(read_.begin(), read_.begin() + n_read_);
    for (size_t i = 0; i < n_read_; ++i) {
      const auto& [file, mtime] = read_[i];
      LabelRef labels[] = {{"file", file}};
      out.Add(kMtime, labels, static_cast<double>(mtime));
    }
    out.Add(kScrapeError, {}, errors_.empty() ? 0 : 1);
    // Log once per change of the error set, not every cycle (a stale file stays broken).
    // Dropped duplicates are logged too but, as in node_exporter, do not set scrape_error.
    log_.append(errors_);
    if (log_ != last_errors_) {
      absl::string_view rest = log_;
      while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        common::log::Error("textfile: skipped", common::log::Kv("err", rest.substr(0, nl)));
        rest.remove_prefix(nl + 1);
      }
      std::swap(log_, last_errors_);
    }
    return absl::OkStatus();
  }

 private:
  void AddError(absl::string_view message) { absl::StrAppend(&errors_, message, "\n"); }

  void CollectDir(const std::string& dir, SampleWriter& out) {
    absl::Status status = ops_->ListDir(dir, &names_);
    if (!status.ok()) {
      AddError(absl::StrCat("failed to read textfile collector directory: ", status.message()));
      return;
    }
    for (const absl::string_view name : names_.names) {
      if (!absl::EndsWith(name, ".prom")) continue;
      // Go's filepath.Join(dir, name): the label and help name the file this way.
      path_.assign(dir);
      while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
      if (path_ != "/") path_.push_back('/');
      path_.append(name.data(), name.size());
      status = CollectFile(out);
      if (!status.ok()) AddError(status.message());
    }
  }

  absl::Status CollectFile(SampleWriter& out) {
    // Regular files only, never blocking on open, at most max_file_bytes_: a FIFO, a symlink to
    // /dev/zero or a runaway writer costs an error naming the file, not the agent.
    absl::Status status = common::ReadFileTo(path_, &text_, max_file_bytes_);
    if (!status.ok()) return status;
    status = ParseTextfile(path_, text_, &data_);
    if (!status.ok()) return status;
    if (data_.has_timestamps()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path_, ": contains unsupported client-side timestamps, skipping entire file"));
    }
    // Stat only after a successful parse, so that a failing file does not look fresh.
    int64_t mtime = 0;
    status = ops_->MtimeSeconds(path_, &mtime);
    if (!status.ok()) return status;

    default_help_.assign("Metric read from ");
    default_help_.append(path_);
    for (const TextfileSample& s : data_.samples) {
      const TextfileFamily& family = data_.families[s.family];
      labels_.assign(data_.labels.begin() + s.label_begin, data_.labels.begin() + s.label_end);
      for (size_t i = family.union_begin; i < family.union_end; ++i) {
        const absl::string_view name = data_.label_names[i];
        bool present = false;
        for (size_t l = s.label_begin; l < s.label_end; ++l)
          present |= data_.labels[l].name == name;
        if (!present) labels_.push_back({name, ""});
      }
      // node_exporter's samples carry their labels sorted by name.
      std::sort(labels_.begin(), labels_.end(),
                [](const LabelRef& a, const LabelRef& b) { return a.name < b.name; });
      // node_exporter's registry rejects a series collected twice (in one file or across files)
      // and keeps the first; without this the agent would send both.
      size_t key = absl::Hash<absl::string_view>()(s.name);
      for (const LabelRef& l : labels_) {
        key = key * 1000003 ^ absl::Hash<std::pair<absl::string_view, absl::string_view>>()(
                                  std::make_pair(l.name, l.value));
      }
      if (!seen_.Insert(key)) {
        absl::StrAppend(&log_, path_, ": series ", s.name,
                        " was collected before with the same name and label values, dropped\n");
        continue;
      }
      const absl::string_view help = family.has_help ? family.help : default_help_;
      out.Add(MetricDesc{s.name, AgentType(family.type), help}, labels_, s.value);
    }
    if (n_read_ == read_.size()) read_.emplace_back();
    read_[n_read_].first.assign(path_);
    read_[n_read_].second = mtime;
    ++n_read_;
    return absl::OkStatus();
  }

  const std::string directory_;
  std::unique_ptr<TextfileDirOps> ops_;
  const size_t max_file_bytes_;
  // Reused buffers: no allocation per file or sample once warmed up (paths excepted).
  std::vector<std::string> dirs_;
  common::DirListing names_;
  std::string path_;
  std::string text_;
  std::string default_help_;
  TextfileData data_;
  std::vector<LabelRef> labels_;
  std::vector<std::pair<std::string, int64_t>> read_;  // [0, n_read_) in use
  size_t n_read_ = 0;
  std::string errors_;       // this cycle's file errors: scrape_error is 1 when non-empty
  std::string log_;          // errors_ plus dropped duplicates, logged when it changes
  std::string last_errors_;  // log_ of the last cycle that logged
  HashSet seen_;             // hashes of the series written this cycle
};

}  // namespace

std::unique_ptr<TextfileDirOps> RealTextfileDirOps() { return std::make_unique<RealDirOps>(); }

absl::StatusOr<SourcePtr> MakeTextfileSourceWithOps(std::string directory,
                                                    std::unique_ptr<TextfileDirOps> ops,
                                                    size_t max_file_bytes) {
  return std::make_unique<TextfileSource>(std::move(directory), std::move(ops), max_file_bytes);
}

const std::vector<SourceOption>& TextfileOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"directory", "", "Directory (or glob) of *.prom files; empty reads nothing"},
      {"max-file-bytes", absl::StrCat(kTextfileMaxFileBytes),
       "Largest *.prom file read, in bytes; a larger one is skipped with an error naming it"},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeTextfileSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(int max_file_bytes,
                      ctx.Int("max-file-bytes", 1, std::numeric_limits<int>::max()));
  return MakeTextfileSourceWithOps(ctx.Option("directory"), RealTextfileDirOps(),
                                   static_cast<size_t>(max_file_bytes));
}

}  // namespace hostmon::agent
