// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/bcachefs/bcachefs_source.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/bcachefs/bcachefs_parser.h"
#include "agent/sources/common/metric_name.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's descriptions (collector/bcachefs_linux.go), verbatim.
constexpr MetricDesc kInfo{"node_bcachefs_info", kGauge, "Filesystem information."};
constexpr MetricDesc kBtreeCacheSize{"node_bcachefs_btree_cache_size_bytes", kGauge,
                                     "Btree cache memory usage in bytes."};
constexpr MetricDesc kCompressed{"node_bcachefs_compression_compressed_bytes", kGauge,
                                 "Compressed size by algorithm."};
constexpr MetricDesc kUncompressed{"node_bcachefs_compression_uncompressed_bytes", kGauge,
                                   "Uncompressed size by algorithm."};
constexpr MetricDesc kErrors{"node_bcachefs_errors_total", kCounter, "Error count by error type."};
constexpr MetricDesc kBtreeWrites{"node_bcachefs_btree_writes_total", kCounter,
                                  "Number of btree writes by type."};
constexpr MetricDesc kBtreeWriteSize{"node_bcachefs_btree_write_average_size_bytes", kGauge,
                                     "Average btree write size by type."};
constexpr MetricDesc kDeviceInfo{"node_bcachefs_device_info", kGauge, "Device information."};
constexpr MetricDesc kDeviceBucketSize{"node_bcachefs_device_bucket_size_bytes", kGauge,
                                       "Bucket size in bytes."};
constexpr MetricDesc kDeviceBuckets{"node_bcachefs_device_buckets", kGauge,
                                    "Total number of buckets."};
constexpr MetricDesc kDeviceDurability{"node_bcachefs_device_durability", kGauge,
                                       "Device durability setting."};
constexpr MetricDesc kDeviceIoDone{"node_bcachefs_device_io_done_bytes_total", kCounter,
                                   "IO bytes by operation type and data type."};
constexpr MetricDesc kDeviceIoErrors{"node_bcachefs_device_io_errors_total", kCounter,
                                     "IO errors by error type."};

// A list whose elements (and their strings' memory) are kept from one collection to the next:
// Clear() only forgets how many are in use, so steady-state collections do not allocate.
template <typename T>
class Reused {
 public:
  void Clear() { size_ = 0; }
  T& Add() {
    if (size_ == items_.size()) items_.emplace_back();
    return items_[size_++];
  }
  size_t size() const { return size_; }
  T* begin() { return items_.data(); }
  T* end() { return items_.data() + size_; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }

 private:
  std::vector<T> items_;
  size_t size_ = 0;
};

struct Compression {
  std::string algorithm;
  double compressed = 0;
  double uncompressed = 0;
};
struct Named {  // an error type, a btree write type, an IO error type
  std::string name;
  double value = 0;
  double value2 = 0;  // btree writes: the average size
};
struct Counter {
  std::string metric;  // node_bcachefs_<sanitized file name>_total
  std::string help;
  double value = 0;
};
struct IoDone {
  std::string operation;
  std::string data_type;
  double bytes = 0;
};
struct Device {
  std::string name;  // <N> of dev-<N>
  std::string label;
  std::string state;
  double bucket_size = 0;
  double buckets = 0;
  double durability = 0;
  Reused<IoDone> io_done;
  Reused<Named> io_errors;
};
struct Filesystem {
  std::string uuid;
  double btree_cache_size = 0;
  Reused<Compression> compression;
  Reused<Named> errors;
  Reused<Counter> counters;
  Reused<Named> btree_writes;
  Reused<Device> devices;
};

class BcachefsSource : public Source {
 public:
  explicit BcachefsSource(const common::FsRoot& fs) : dir_(fs.Sys("fs/bcachefs")) {}

  absl::Status Collect(SampleWriter& out) override {
    // Everything is read and checked before anything is written: as in node_exporter, one bad
    // file means no series at all rather than a partial set.
    HM_RETURN_IF_ERROR(ListNames(dir_, "", /*directories=*/true, &uuids_));
    filesystems_.Clear();
    for (const std::string& uuid : uuids_) {
      Filesystem& f = filesystems_.Add();
      f.uuid.assign(uuid);
      HM_RETURN_IF_ERROR(ReadFilesystem(&f));
    }
    if (filesystems_.size() == 0) {
      return absl::NotFoundError(absl::StrCat(dir_, ": no bcachefs filesystem mounted"));
    }
    for (const Filesystem& f : filesystems_) Write(f, out);
    return absl::OkStatus();
  }

 private:
  // The sorted names in `dir` that start with `prefix` and are directories (or are not, for
  // directories=false). NotFound when `dir` does not exist.
  static absl::Status ListNames(const std::string& dir, absl::string_view prefix, bool directories,
                                Reused<std::string>* out) {
    out->Clear();
    HM_RETURN_IF_ERROR(common::ForEachDirEntry(dir, [&](const common::DirEntry& e) {
      if (absl::StartsWith(e.name(), prefix) && e.IsDirectory() == directories) {
        out->Add().assign(e.name().data(), e.name().size());
      }
    }));
    std::sort(out->begin(), out->end());
    return absl::OkStatus();
  }

  // Reads <dir>/<file> into text_ (path_ names it); false if it does not exist (procfs skips
  // what a kernel version lacks).
  absl::StatusOr<bool> Read(const std::string& dir, absl::string_view file) {
    path_.assign(dir);
    absl::StrAppend(&path_, "/", file);
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return false;
    HM_RETURN_IF_ERROR(s);
    return true;
  }

  // Reads <dir>/<file> if it exists, parses it into *rows and passes each row to add(row).
  template <typename Row, typename Add>
  absl::Status ReadRows(const std::string& dir, absl::string_view file,
                        absl::Status (*parse)(absl::string_view, absl::string_view,
                                              std::vector<Row>*),
                        std::vector<Row>* rows, Add add) {
    HM_ASSIGN_OR_RETURN(bool present, Read(dir, file));
    if (!present) return absl::OkStatus();
    HM_RETURN_IF_ERROR(parse(text_, path_, rows));
    for (const Row& row : *rows) add(row);
    return absl::OkStatus();
  }

  static Named& AddNamed(absl::string_view name, uint64_t value, Reused<Named>* out) {
    Named& n = out->Add();
    n.name.assign(name.data(), name.size());
    n.value = static_cast<double>(value);
    return n;
  }

  // A device's label or state: procfs reads any failure as "" (readSysfsFile).
  void ReadString(absl::string_view file, std::string* out) {
    path_.assign(dev_dir_);
    absl::StrAppend(&path_, "/", file);
    if (common::ReadFileTo(path_, &text_).ok()) {
      const absl::string_view v = absl::StripAsciiWhitespace(text_);
      out->assign(v.data(), v.size());
    } else {
      out->clear();
    }
  }

  // nbuckets, durability: 0 when absent, else one unsigned decimal (procfs' readUintFile).
  absl::Status ReadUint(absl::string_view file, double* out) {
    *out = 0;
    HM_ASSIGN_OR_RETURN(bool present, Read(dev_dir_, file));
    if (!present) return absl::OkStatus();
    uint64_t v = 0;
    HM_RETURN_IF_ERROR(common::ParseUint64(absl::StripAsciiWhitespace(text_), path_, &v));
    *out = static_cast<double>(v);
    return absl::OkStatus();
  }

  // A single human-readable size (btree_cache_size, bucket_size); 0 when empty. An absent file
  // reads as empty.
  absl::Status ParseSizeText(double* out) {
    *out = 0;
    const absl::string_view text = absl::StripAsciiWhitespace(text_);
    if (text.empty()) return absl::OkStatus();
    uint64_t v = 0;
    HM_RETURN_IF_ERROR(ParseBcachefsHumanBytes(text, path_, &v));
    *out = static_cast<double>(v);
    return absl::OkStatus();
  }

  absl::Status ReadFilesystem(Filesystem* f) {
    fs_dir_.assign(dir_);
    absl::StrAppend(&fs_dir_, "/", f->uuid);

    HM_ASSIGN_OR_RETURN(bool present, Read(fs_dir_, "btree_cache_size"));
    if (!present) text_.clear();
    HM_RETURN_IF_ERROR(ParseSizeText(&f->btree_cache_size));

    f->compression.Clear();
    HM_RETURN_IF_ERROR(ReadRows(fs_dir_, "compression_stats", ParseBcachefsCompressionStats,
                                &compression_rows_, [f](const BcachefsCompressionRow& row) {
                                  Compression& c = f->compression.Add();
                                  c.algorithm.assign(row.algorithm.data(), row.algorithm.size());
                                  c.compressed = static_cast<double>(row.compressed);
                                  c.uncompressed = static_cast<double>(row.uncompressed);
                                }));
    f->errors.Clear();
    HM_RETURN_IF_ERROR(
        ReadRows(fs_dir_, "errors", ParseBcachefsErrors, &error_rows_,
                 [f](const BcachefsErrorRow& row) { AddNamed(row.type, row.count, &f->errors); }));

    HM_RETURN_IF_ERROR(ReadCounters(f));

    f->btree_writes.Clear();
    HM_RETURN_IF_ERROR(ReadRows(fs_dir_, "btree_write_stats", ParseBcachefsBtreeWriteStats,
                                &btree_write_rows_, [f](const BcachefsBtreeWriteRow& row) {
                                  AddNamed(row.type, row.count, &f->btree_writes).value2 =
                                      static_cast<double>(row.average_size);
                                }));

    HM_RETURN_IF_ERROR(ListNames(fs_dir_, "dev-", /*directories=*/true, &device_dirs_));
    f->devices.Clear();
    for (const std::string& dev : device_dirs_) {
      Device& d = f->devices.Add();
      d.name.assign(dev, 4, std::string::npos);  // after "dev-"
      dev_dir_.assign(fs_dir_);
      absl::StrAppend(&dev_dir_, "/", dev);
      HM_RETURN_IF_ERROR(ReadDevice(&d));
    }
    return absl::OkStatus();
  }

  // counters/: one file per counter; the directory is absent on kernels before it existed.
  absl::Status ReadCounters(Filesystem* f) {
    f->counters.Clear();
    counters_dir_.assign(fs_dir_);
    counters_dir_.append("/counters");
    absl::Status listed = ListNames(counters_dir_, "", /*directories=*/false, &counter_files_);
    if (absl::IsNotFound(listed)) return absl::OkStatus();
    HM_RETURN_IF_ERROR(listed);
    for (const std::string& name : counter_files_) {
      // A file gone since the listing is left out (procfs would report it as 0).
      HM_ASSIGN_OR_RETURN(bool present, Read(counters_dir_, name));
      if (!present) continue;
      uint64_t value = 0;
      HM_RETURN_IF_ERROR(ParseBcachefsCounter(text_, path_, &value));
      Counter& c = f->counters.Add();
      SanitizeMetricName(name, &sanitized_);
      c.metric.assign("node_bcachefs_");
      absl::StrAppend(&c.metric, sanitized_, "_total");
      c.help.assign("Bcachefs counter ");
      absl::StrAppend(&c.help, name, " since filesystem creation.");
      c.value = static_cast<double>(value);
    }
    return absl::OkStatus();
  }

  absl::Status ReadDevice(Device* d) {
    ReadString("label", &d->label);
    ReadString("state", &d->state);
    path_.assign(dev_dir_);
    path_.append("/bucket_size");
    if (!common::ReadFileTo(path_, &text_).ok()) text_.clear();  // as label and state
    HM_RETURN_IF_ERROR(ParseSizeText(&d->bucket_size));
    HM_RETURN_IF_ERROR(ReadUint("nbuckets", &d->buckets));
    HM_RETURN_IF_ERROR(ReadUint("durability", &d->durability));

    d->io_done.Clear();
    HM_RETURN_IF_ERROR(ReadRows(dev_dir_, "io_done", ParseBcachefsIoDone, &io_done_rows_,
                                [d](const BcachefsIoDoneRow& row) {
                                  IoDone& io = d->io_done.Add();
                                  io.operation.assign(row.operation.data(), row.operation.size());
                                  io.data_type.assign(row.data_type.data(), row.data_type.size());
                                  io.bytes = static_cast<double>(row.bytes);
                                }));
    d->io_errors.Clear();
    return ReadRows(
        dev_dir_, "io_errors", ParseBcachefsIoErrors, &io_error_rows_,
        [d](const BcachefsIoErrorRow& row) { AddNamed(row.type, row.count, &d->io_errors); });
  }

  // Labels in name order.
  static void Write(const Filesystem& f, SampleWriter& out) {
    const LabelRef fs[] = {{"uuid", f.uuid}};
    out.Add(kInfo, fs, 1);
    out.Add(kBtreeCacheSize, fs, f.btree_cache_size);
    for (const Compression& c : f.compression) {
      const LabelRef labels[] = {{"algorithm", c.algorithm}, {"uuid", f.uuid}};
      out.Add(kCompressed, labels, c.compressed);
      out.Add(kUncompressed, labels, c.uncompressed);
    }
    for (const Named& e : f.errors) {
      const LabelRef labels[] = {{"error_type", e.name}, {"uuid", f.uuid}};
      out.Add(kErrors, labels, e.value);
    }
    for (const Counter& c : f.counters)
      out.Add(MetricDesc{c.metric, kCounter, c.help}, fs, c.value);
    for (const Named& w : f.btree_writes) {
      const LabelRef labels[] = {{"type", w.name}, {"uuid", f.uuid}};
      out.Add(kBtreeWrites, labels, w.value);
      out.Add(kBtreeWriteSize, labels, w.value2);
    }
    for (const Device& d : f.devices) {
      const LabelRef info[] = {
          {"device", d.name}, {"label", d.label}, {"state", d.state}, {"uuid", f.uuid}};
      out.Add(kDeviceInfo, info, 1);
      const LabelRef dev[] = {{"device", d.name}, {"uuid", f.uuid}};
      out.Add(kDeviceBucketSize, dev, d.bucket_size);
      out.Add(kDeviceBuckets, dev, d.buckets);
      out.Add(kDeviceDurability, dev, d.durability);
      for (const IoDone& io : d.io_done) {
        const LabelRef labels[] = {{"data_type", io.data_type},
                                   {"device", d.name},
                                   {"operation", io.operation},
                                   {"uuid", f.uuid}};
        out.Add(kDeviceIoDone, labels, io.bytes);
      }
      for (const Named& e : d.io_errors) {
        const LabelRef labels[] = {{"device", d.name}, {"type", e.name}, {"uuid", f.uuid}};
        out.Add(kDeviceIoErrors, labels, e.value);
      }
    }
  }

  std::string dir_;
  // Reused from one collection to the next: no allocation in steady state.
  Reused<std::string> uuids_, device_dirs_, counter_files_;
  Reused<Filesystem> filesystems_;
  std::string fs_dir_, dev_dir_, counters_dir_, path_, text_, sanitized_;
  std::vector<BcachefsCompressionRow> compression_rows_;
  std::vector<BcachefsErrorRow> error_rows_;
  std::vector<BcachefsBtreeWriteRow> btree_write_rows_;
  std::vector<BcachefsIoDoneRow> io_done_rows_;
  std::vector<BcachefsIoErrorRow> io_error_rows_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeBcachefsSource(const SourceContext& ctx) {
  return std::make_unique<BcachefsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
