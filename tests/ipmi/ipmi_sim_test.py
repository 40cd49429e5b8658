#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The ipmi source against a real RMCP+ peer: OpenIPMI's ipmi_sim with the 8 sensors of
tests/fixtures/ipmi, read by `hostmon-agent --once --source.ipmi --source.ipmi.config=FILE`.

Checks: all 8 sensors with ipmi_exporter's names, ids, values and states, the chassis status
and SEL info (raw commands through libfreeipmi); a sensor changed at
run time through the simulator's console shows its new value and state in the next read (and
the SEL count grows); a frozen simulator (SIGSTOP) makes the read hit its deadline (ipmi_up 0,
hostmon_agent_source_success{source="ipmi"} 0, no stale sensor values, the agent returns in
about the deadline) while two healthy simulators listed next to it are read in the same round; after SIGCONT the next read succeeds again; a BMC without DCMI gets
ipmi_up{collector="dcmi"} 0 and nothing else breaks; a BMC whose SDR changed at the same address
is read with the new SDR (the stale SDR cache is rebuilt).

Usage: ipmi_sim_test.py --bin-dir build/bin
"""

import math
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipmi_sim as s  # noqa: E402

h = s.h
TARGET = "sim"
DEADLINE_S = 1.0

# (family, record id, name, value, state) right after the simulator starts (fixture README).
INITIAL = [
    ("ipmi_temperature", "2", "CPU Temp", 45.0, 0),
    ("ipmi_temperature", "3", "Inlet Temp", 42.0, 2),
    ("ipmi_fan_speed", "4", "FAN1", 5400.0, 0),
    ("ipmi_fan_speed", "5", "FAN2", 4800.0, 0),
    ("ipmi_voltage", "6", "12V", 12.0, 0),
    ("ipmi_power", "7", "Pwr Consumption", 280.0, 0),
    ("ipmi_sensor", "8", "PSU1 Status", None, 0),
    ("ipmi_sensor", "9", "PSU2 Status", None, 2),
]
VALUE_SUFFIX = {"ipmi_temperature": "_celsius", "ipmi_fan_speed": "_rpm",
                "ipmi_voltage": "_volts", "ipmi_power": "_watts", "ipmi_sensor": "_value"}

# Console commands (man 5 ipmi_sim_cmd; raw values, see the fixture README) and the result.
# Non-critical crossings are not used: libipmimonitoring reports them as Nominal for this
# simulator (the warning state is covered by the unit tests).
CHANGES = [
    "sensor_set_value 0x20 0 1 95 1",   # CPU Temp 95 C: above UC 90 -> critical
    "sensor_set_value 0x20 0 2 30 1",   # Inlet Temp 30 C: below UNC 35 -> nominal
    "sensor_set_value 0x20 0 3 4 1",    # FAN1 400 RPM: below LC 500 -> critical
    "sensor_set_value 0x20 0 5 185 1",  # 12V 11.10 V: below LC 11.40 -> critical
    "sensor_set_bit 0x20 0 8 3 0 1",    # PSU2: "input lost" cleared -> nominal
]
CHANGED = [
    ("ipmi_temperature", "2", "CPU Temp", 95.0, 2),
    ("ipmi_temperature", "3", "Inlet Temp", 30.0, 0),
    ("ipmi_fan_speed", "4", "FAN1", 400.0, 2),
    ("ipmi_fan_speed", "5", "FAN2", 4800.0, 0),
    ("ipmi_voltage", "6", "12V", 11.10, 2),
    ("ipmi_power", "7", "Pwr Consumption", 280.0, 0),
    ("ipmi_sensor", "8", "PSU1 Status", None, 0),
    ("ipmi_sensor", "9", "PSU2 Status", None, 0),
]


def once(procs, args, targets, cache, name):
    argv = [os.path.join(args.bin_dir, "hostmon-agent"), "--once", "--source.disable-defaults",
            "--source.ipmi.local=false"] + s.agent_ipmi_args(targets, cache)
    t0 = time.monotonic()
    p = procs.run(name, argv, timeout=20.0)
    took = time.monotonic() - t0
    return p, h.parse_exposition(p.stdout()), took


def value(samples, metric, **labels):
    # Not h.select(): ipmi_exporter's `name` label collides with its parameter name.
    found = [x for x in samples
             if x[0] == metric and all(x[1].get(k) == v for k, v in labels.items())]
    return found[0][2] if len(found) == 1 else "missing (%d matches)" % len(found)


def check_sensors(runner, samples, expected, when):
    for family, sid, name, want, state in expected:
        labels = {"id": sid, "name": name, "target": TARGET}
        if family == "ipmi_sensor":
            labels["type"] = "Power Supply"
        got = value(samples, family + VALUE_SUFFIX[family], **labels)
        if want is None:
            ok = isinstance(got, float) and math.isnan(got)
        else:
            ok = isinstance(got, float) and abs(got - want) < 1e-6
        runner.check("%s: %s%s{id=%s,name=%r} = %s" % (when, family, VALUE_SUFFIX[family], sid,
                                                       name, "NaN" if want is None else want),
                     ok, "got %r" % (got,))
        got = value(samples, family + "_state", **labels)
        runner.check("%s: %s_state{id=%s,name=%r} = %d" % (when, family, sid, name, state),
                     got == state, "got %r" % (got,))


def body(args, procs, runner, workdir):
    runner.require("ipmi_sim and sdrcomp are installed (Debian package openipmi)",
                   os.access(s.IPMI_SIM_BIN, os.X_OK) and os.access(s.SDRCOMP_BIN, os.X_OK), "")
    sim = s.start_sim(procs, workdir)
    runner.require("ipmi_sim answers on loopback", sim, "")
    targets = s.write_targets(workdir, sim, name=TARGET, timeout="%gs" % DEADLINE_S)
    cache = os.path.join(workdir, "sdr-cache")

    # --- all 8 sensors -------------------------------------------------------------------------
    p, samples, took = once(procs, args, targets, cache, "agent-once")
    runner.require("agent --once exits 0", p.returncode == 0, p.tail())
    h.log("first read (SDR cache built) took %.3fs in total" % took)
    runner.check("hostmon_agent_source_success{source=ipmi} = 1",
                 value(samples, "hostmon_agent_source_success", source="ipmi") == 1, p.tail())
    runner.check("ipmi_up{collector=ipmi,target=sim} = 1",
                 value(samples, "ipmi_up", collector="ipmi", target=TARGET) == 1, p.tail())
    runner.check("ipmi_up{collector=sel,target=sim} = 1",
                 value(samples, "ipmi_up", collector="sel", target=TARGET) == 1, p.tail())
    runner.check("ipmi_up{collector=chassis,target=sim} = 1",
                 value(samples, "ipmi_up", collector="chassis", target=TARGET) == 1, p.tail())
    # The simulated chassis is powered off and has no faults (1 = no fault, ipmi_exporter).
    for metric, want in (("ipmi_chassis_power_state", 0), ("ipmi_chassis_drive_fault_state", 1),
                         ("ipmi_chassis_cooling_fault_state", 1)):
        runner.check("%s{target=sim} = %d" % (metric, want),
                     value(samples, metric, target=TARGET) == want, p.tail())
    info = [lb for n, lb, v in samples if n == "ipmi_bmc_info" and v == 1]
    runner.check("ipmi_bmc_info: firmware 1.02 and manufacturer as bmc-info prints them",
                 len(info) == 1 and info[0].get("firmware_revision") == "1.02" and
                 info[0].get("manufacturer_id") == "MontaVista Software, Inc. (4753)" and
                 info[0].get("target") == TARGET, "got %r" % (info,))
    free = value(samples, "ipmi_sel_free_space_bytes", target=TARGET)
    runner.check("ipmi_sel_free_space_bytes{target=sim} > 0 (Get SEL Info)",
                 isinstance(free, float) and free > 0, "got %r" % (free,))
    check_sensors(runner, samples, INITIAL, "initial")
    n_sensor_series = len([1 for n, lb, _ in samples if n.endswith("_state") and
                           n.startswith("ipmi_") and "id" in lb])
    runner.check("exactly 8 sensors exported (the BMC's device locator record is not a sensor)",
                 n_sensor_series == 8, "got %d state series" % n_sensor_series)
    runner.check("SDR cache written under --source.ipmi.sdr-cache-dir",
                 os.path.isdir(cache) and os.listdir(cache), "")
    sel_before = value(samples, "ipmi_sel_logs_count", target=TARGET)
    runner.check("ipmi_sel_logs_count is exported", isinstance(sel_before, float),
                 "got %r" % (sel_before,))

    # --- change sensors at run time --------------------------------------------------------------
    console = sim.console()
    try:
        for c in CHANGES:
            console.cmd(c)
    finally:
        console.close()
    p, samples, _ = once(procs, args, targets, cache, "agent-once-changed")
    runner.require("agent --once exits 0 after the change", p.returncode == 0, p.tail())
    check_sensors(runner, samples, CHANGED, "after console change")
    sel_after = value(samples, "ipmi_sel_logs_count", target=TARGET)
    runner.check("SEL count grew with the threshold events (%r -> %r)" % (sel_before, sel_after),
                 isinstance(sel_after, float) and isinstance(sel_before, float)
                 and sel_after > sel_before, "")

    # --- frozen BMC, next to two healthy ones read in parallel ----------------------------------
    others = [s.start_sim(procs, workdir) for _ in range(2)]
    runner.require("two more simulators answer", all(others), "")
    multi = s.write_targets_multi(
        workdir, [(TARGET, sim), ("ok1", others[0]), ("ok2", others[1])],
        timeout="%gs" % DEADLINE_S)
    sim.proc.signal(signal.SIGSTOP)
    try:
        p, samples, took = once(procs, args, multi, cache, "agent-once-frozen")
    finally:
        sim.proc.signal(signal.SIGCONT)
    h.log("read of the frozen BMC returned after %.2fs (deadline %gs)" % (took, DEADLINE_S))
    runner.check("agent --once exits 0 with a frozen BMC", p.returncode == 0, p.tail())
    runner.check("the frozen read ends near its deadline (%.2fs < %gs)" % (took, DEADLINE_S + 3),
                 took < DEADLINE_S + 3, "")
    runner.check("frozen: ipmi_up{collector=ipmi,target=sim} = 0",
                 value(samples, "ipmi_up", collector="ipmi", target=TARGET) == 0, p.tail())
    runner.check("frozen: hostmon_agent_source_success{source=ipmi} = 0",
                 value(samples, "hostmon_agent_source_success", source="ipmi") == 0, p.tail())
    stale = [n for n, lb, _ in samples
             if n.startswith("ipmi_temperature") and lb.get("target") == TARGET]
    runner.check("frozen: no stale sensor values exported", not stale, "%r" % stale)
    runner.check("frozen: the failure is logged with the target's name",
                 "target sim" in p.stderr(), p.tail())
    for other in ("ok1", "ok2"):
        runner.check("frozen neighbour: %s read in the same round (ipmi_up 1, CPU Temp 45)" % other,
                     value(samples, "ipmi_up", collector="ipmi", target=other) == 1 and
                     value(samples, "ipmi_temperature_celsius", id="2", name="CPU Temp",
                           target=other) == 45, p.tail())

    # --- recovery -------------------------------------------------------------------------------
    p, samples, _ = once(procs, args, targets, cache, "agent-once-thawed")
    runner.check("after SIGCONT: ipmi_up{collector=ipmi,target=sim} = 1",
                 value(samples, "ipmi_up", collector="ipmi", target=TARGET) == 1, p.tail())
    runner.check("after SIGCONT: CPU Temp read again (95)",
                 value(samples, "ipmi_temperature_celsius", id="2", name="CPU Temp",
                       target=TARGET) == 95, p.tail())

    # --- DCMI: the simulator has none; ipmi_up{collector=dcmi} 0, nothing else breaks ---------
    dcmi = s.write_targets(workdir, sim, name=TARGET, collectors=("ipmi", "dcmi"))
    p, samples, _ = once(procs, args, dcmi, cache, "agent-once-dcmi")
    runner.check("no DCMI on the BMC: ipmi_up{collector=dcmi} = 0, ipmi_up{collector=ipmi} = 1, "
                 "no power consumption sample",
                 value(samples, "ipmi_up", collector="dcmi", target=TARGET) == 0 and
                 value(samples, "ipmi_up", collector="ipmi", target=TARGET) == 1 and
                 not [n for n, _, _ in samples if n == "ipmi_dcmi_power_consumption_watts"],
                 p.tail())
    runner.check("no DCMI: the error names the command", "DCMI Get Power Reading" in p.stderr(),
                 p.tail())

    # --- the BMC's SDR changes (firmware update): the cached SDR is noticed stale and re-read ----
    sim.proc.stop()
    renamed = os.path.join(workdir, "renamed.sdrs")
    with open(os.path.join(s.FIXTURE_DIR, s.NAME + ".sdrs")) as f:
        text = f.read()
    with open(renamed, "w") as f:
        f.write(text.replace('"CPU Temp"', '"CPU0 Temp"'))
    sim2 = h.wait_until(lambda: s.start_sim(procs, workdir, ports=(sim.port, sim.console_port),
                                            sdrs=renamed), 10.0, 0.5)
    runner.require("a simulator with a changed SDR starts at the same address", sim2, "")
    targets = s.write_targets(workdir, sim2, name=TARGET, timeout="%gs" % DEADLINE_S)
    p, samples, _ = once(procs, args, targets, cache, "agent-once-new-sdr")
    runner.check("changed SDR at the same address: the stale SDR cache is rebuilt (CPU0 Temp)",
                 value(samples, "ipmi_temperature_celsius", id="2", name="CPU0 Temp",
                       target=TARGET) == 45 and
                 value(samples, "ipmi_up", collector="ipmi", target=TARGET) == 1, p.tail())

    # --- no local BMC here: a clean NotFound, not an error -------------------------------------
    p = procs.run("agent-once-local", [os.path.join(args.bin_dir, "hostmon-agent"), "--once",
                                       "--source.disable-defaults", "--source.ipmi",
                                       "--source.ipmi.sdr-cache-dir=" + cache], timeout=20.0)
    samples = h.parse_exposition(p.stdout())
    has_dev = any(os.path.exists(d) for d in ("/dev/ipmi0", "/dev/ipmi/0", "/dev/ipmidev/0"))
    if not has_dev:
        runner.check("no /dev/ipmi0: source_success 0, no warning logged, exit 0",
                     p.returncode == 0 and
                     value(samples, "hostmon_agent_source_success", source="ipmi") == 0 and
                     "level=warn" not in p.stderr(), p.tail())


if __name__ == "__main__":
    h.main(__doc__.strip().splitlines()[0], body, budget_seconds=90.0)
