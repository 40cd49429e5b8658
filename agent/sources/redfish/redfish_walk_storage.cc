// SPDX-License-Identifier: Apache-2.0
//
// Systems (ComputerSystem.v1_27_0) and their disks: Storage.v1_15_0 with its Drive.v1_22_0
// links, or, only for a system that links no Storage, the older SimpleStorage.v1_3_2 with its
// inline Devices. A drive listed by two Storage resources is exported once; "Absent" drives and
// devices (empty bays) are not exported.
#include "agent/sources/redfish/redfish_walk_internal.h"

namespace hostmon::agent::redfish::walk {

std::vector<SystemWork> Walker::ReadSystems(const std::optional<Collection>& members) {
  std::vector<SystemWork> systems;
  if (!members) return systems;
  for (const auto& m : members->members) {
    auto s = ReadChecked<System>(m, ParseSystem);
    if (!s) continue;
    SystemWork sw{m, std::move(*s), std::nullopt, std::nullopt};
    if (sw.s.id.empty()) sw.s.id = LastSegment(m);
    systems.push_back(std::move(sw));
  }
  return systems;
}

void Walker::WantStorageCollection(const SystemWork& sw) {
  // Storage supersedes SimpleStorage; a service with both describes the same disks twice.
  Want(sw.s.storage.empty() ? sw.s.simple_storage : sw.s.storage);
}

void Walker::EmitSystem(const SystemWork& sw) {
  const System& s = sw.s;
  AddHealth(Family::kSystemHealth, {{"system", s.id}}, s.status);
  if (auto v = HealthValue(s.status.health_rollup)) {
    Add(Family::kSystemHealthRollup, {{"system", s.id}, {"status", s.status.health_rollup}}, *v);
  }
  if (!s.power_state.empty()) {
    Add(Family::kSystemPowerOn, {{"system", s.id}}, s.power_state == "On" ? 1 : 0);
  }
  Add(Family::kSystemMachineInfo,
      {{"system", s.id},
       {"manufacturer", s.manufacturer},
       {"model", s.model},
       {"serial", s.serial},
       {"sku", s.sku},
       {"hostname", s.hostname}},
      1);
  if (s.memory_gib) {
    Add(Family::kSystemMemorySize, {{"system", s.id}}, *s.memory_gib * 1073741824.0);
  }
  if (s.cpu_count) {
    Add(Family::kSystemCpuCount, {{"system", s.id}, {"model", s.cpu_model}}, *s.cpu_count);
  }
}

void Walker::ReadStorageCollection(SystemWork* sw) {
  if (!sw->s.storage.empty()) {
    sw->storage = ReadChecked<Collection>(sw->s.storage, ParseCollection);
  } else {
    sw->simple_storage = ReadChecked<Collection>(sw->s.simple_storage, ParseCollection);
  }
}

void Walker::WantStorageMembers(const SystemWork& sw) {
  WantMembers(sw.storage);
  WantMembers(sw.simple_storage);
}

std::vector<StorageWork> Walker::ReadStorage(const std::vector<SystemWork>& systems) {
  std::vector<StorageWork> storages;
  for (const auto& sw : systems) {
    if (!sw.storage) continue;
    for (const auto& m : sw.storage->members) {
      auto st = ReadChecked<Storage>(m, ParseStorage);
      if (!st) continue;
      if (st->id.empty()) st->id = LastSegment(m);
      AddHealth(Family::kStorageHealth, {{"system", sw.s.id}, {"id", st->id}}, st->status);
      storages.push_back(StorageWork{sw.s.id, std::move(*st)});
    }
  }
  return storages;
}

void Walker::EmitSimpleStorage(const std::vector<SystemWork>& systems) {
  for (const auto& sw : systems) {
    if (!sw.simple_storage) continue;
    std::set<std::string> used;
    for (const auto& m : sw.simple_storage->members) {
      auto ss = ReadChecked<SimpleStorage>(m, ParseSimpleStorage);
      if (!ss) continue;
      const std::string sid = ss->id.empty() ? LastSegment(m) : ss->id;
      AddHealth(Family::kStorageHealth, {{"system", sw.s.id}, {"id", sid}}, ss->status);
      for (size_t i = 0; i < ss->devices.size(); ++i) {
        const SimpleStorageDevice& d = ss->devices[i];
        if (d.status.state == "Absent") continue;  // an empty bay, not a drive
        // Devices have no Id: the name, or the position when names repeat. They carry a subset
        // of a Drive's properties; the others stay empty.
        Drive drive;
        drive.name = d.name;
        drive.status = d.status;
        drive.manufacturer = d.manufacturer;
        drive.model = d.model;
        drive.capacity_bytes = d.capacity_bytes;
        EmitDrive(sw.s.id, MemberId(&used, d.name, absl::StrCat(m, "#/Devices/", i), i, m), sid,
                  drive);
      }
    }
  }
}

void Walker::EmitDrives(const std::vector<StorageWork>& storages) {
  std::set<std::string> drives_done;
  std::map<std::string, std::set<std::string>> drive_ids;  // per system
  for (const auto& sw : storages) {
    for (size_t i = 0; i < sw.st.drives.size(); ++i) {
      const std::string& d = sw.st.drives[i];
      if (!drives_done.insert(Normalize(d)).second) continue;
      auto drive = ReadChecked<Drive>(d, ParseDrive);
      if (!drive) continue;
      if (Absent(drive->status)) continue;  // an empty bay, not a drive
      EmitDrive(sw.system,
                MemberId(&drive_ids[sw.system], drive->id, d, i,
                         absl::StrCat("system ", sw.system, " drives")),
                sw.st.id, *drive);
    }
  }
}

void Walker::EmitDrive(const std::string& system, const std::string& id,
                       const std::string& storage_id, const Drive& d) {
  const Labels l = {{"system", system}, {"id", id}, {"storage_id", storage_id}};
  Add(Family::kDriveInfo,
      {{"system", system},
       {"id", id},
       {"storage_id", storage_id},
       {"manufacturer", d.manufacturer},
       {"mediatype", d.media_type},
       {"model", d.model},
       {"name", d.name},
       {"protocol", d.protocol},
       {"serial", d.serial},
       {"slot", d.slot}},
      1);
  AddHealth(Family::kDriveHealth, l, d.status);
  AddOpt(Family::kDriveCapacity, l, d.capacity_bytes);
  AddOpt(Family::kDriveLifeLeft, l, d.life_left_percent);
  if (d.failure_predicted) Add(Family::kDriveFailurePredicted, l, *d.failure_predicted ? 1 : 0);
}

}  // namespace hostmon::agent::redfish::walk
