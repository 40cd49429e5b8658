#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The redfish source against real HTTP(S) peers: our Redfish test server
(tests/tools/redfish_server.py) serving the DMTF mockups of tests/fixtures/redfish/, read by the
real agent (`hostmon-agent --once --source.redfish --source.redfish.config=FILE`).

Usage: redfish_test.py --bin-dir build/bin --scenario NAME [--keep-tmp]
Scenarios: legacy, new_only, both, drives, slow, error, garbage, auth, tls, slow_tier.
Every server binds 127.0.0.1:0 and is stopped by PID (harness.Processes).
"""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness as h  # noqa: E402

SERVER = os.path.join(HERE, "..", "tools", "redfish_server.py")
FIXTURES = os.path.join(HERE, "..", "fixtures", "redfish")
USER, PASSWORD = "monitor", "s3cret-pw"


class Env:
    def __init__(self, args, procs, runner, workdir):
        self.args, self.procs, self.r, self.dir = args, procs, runner, workdir
        self.n = 0
        with open(os.path.join(workdir, "pw"), "w") as f:
            f.write(PASSWORD + "\n")

    def server(self, mockup, *extra, auth="none"):
        """Starts a test server; returns (base_url_without_scheme_port, log_path)."""
        self.n += 1
        port_file = os.path.join(self.dir, "port%d" % self.n)
        log = os.path.join(self.dir, "requests%d.log" % self.n)
        argv = [sys.executable, SERVER, "--root", os.path.join(FIXTURES, mockup),
                "--port-file", port_file, "--log", log, "--auth", auth, "--user", USER,
                "--password", PASSWORD] + list(extra)
        p = self.procs.start("redfish-server%d" % self.n, argv)
        self.r.require("server %d wrote its port" % self.n,
                       h.wait_until(lambda: os.path.exists(port_file), 10.0), p.tail())
        with open(port_file) as f:
            port = int(f.read().strip())
        open(log, "a").close()
        return port, log

    def targets(self, *targets):
        """Writes a targets file; each target is a dict of keys (YAML flow style)."""
        self.n += 1
        path = os.path.join(self.dir, "targets%d.yml" % self.n)
        with open(path, "w") as f:
            f.write("targets:\n")
            for t in targets:
                f.write("  - {%s}\n" % ", ".join("%s: %s" % (k, v) for k, v in t.items()))
        return path

    def agent_once(self, targets_file, timeout=30.0):
        """Runs the agent once; returns (samples, stderr, seconds, proc)."""
        agent = os.path.join(self.args.bin_dir, "hostmon-agent")
        argv = [agent, "--once", "--source.disable-defaults", "--source.loadavg",
                "--source.redfish", "--source.redfish.config=" + targets_file]
        t0 = time.monotonic()
        p = self.procs.run("agent-once", argv, timeout)
        seconds = time.monotonic() - t0
        self.r.require("agent --once exited 0", p.returncode == 0 and not p.timed_out,
                       p.tail())
        samples = h.parse_exposition(p.stdout())
        return samples, p.stderr(), seconds, p


def target(name, port, auth="none", scheme="http", **extra):
    t = {"name": name, "url": "'%s://127.0.0.1:%d'" % (scheme, port), "auth": auth}
    if auth != "none":
        t.update({"username": USER, "password_file": "pw"})
    t.update(extra)
    return t


def select(samples, metric, /, **labels):
    # Not h.select: "name" is a label of these metrics.
    return [s for s in samples
            if s[0] == metric and all(s[1].get(k) == v for k, v in labels.items())]


def value(samples, metric, /, **labels):
    found = select(samples, metric, **labels)
    return found[0][2] if len(found) == 1 else None


def count(samples, metric, /, **labels):
    return len(select(samples, metric, **labels))


def requests(log):
    with open(log) as f:
        return [line.split() for line in f if line.strip()]


def check_no_double_counting(env, samples):
    seen = {}
    for name, labels, _ in samples:
        if name in ("redfish_sensors_temperature", "redfish_sensors_voltage",
                    "redfish_sensors_power", "redfish_sensors_current"):
            key = (labels.get("target"), labels.get("chassis"), labels.get("id"),
                   labels.get("name"))
            seen[key] = seen.get(key, 0) + 1
    dups = [k for k, v in seen.items() if v > 1]
    env.r.check("no sensor exported twice", not dups, dups)


# --- scenarios --------------------------------------------------------------------------------


def scenario_legacy(env):
    port, log = env.server("legacy-only")
    s, _, _, _ = env.agent_once(env.targets(target("legacy", port, labels="{host: web483}")))
    env.r.check("redfish_up 1", value(s, "redfish_up", target="legacy", host="web483") == 1)
    env.r.check("schema legacy/legacy", value(s, "redfish_chassis_schema_info", target="legacy",
                                              thermal="legacy", power="legacy") == 1)
    env.r.check("legacy CPU1 Temp 41 C with target and configured labels",
                value(s, "redfish_sensors_temperature", target="legacy", host="web483",
                      chassis="1U", id="0", name="CPU1 Temp", units="celsius") == 41)
    env.r.check("legacy fan 2100 rpm", value(s, "redfish_sensors_fan_speed", id="0",
                                             name="BaseBoard System Fan", units="rpm") == 2100)
    env.r.check("legacy PSU Warning = 1", value(s, "redfish_power_supply_health", id="0",
                                                status="Warning") == 1)
    env.r.check("legacy power control 344 W",
                value(s, "redfish_power_control_consumed_watts", id="0") == 344)
    env.r.check("source success 1", value(s, "hostmon_agent_source_success", source="redfish") == 1)
    check_no_double_counting(env, s)


def scenario_new_only(env):
    port, log = env.server("public-liquid-cooled-server", auth="session")
    s, _, _, p = env.agent_once(env.targets(target("liquid", port, auth="session")))
    env.r.check("redfish_up 1", value(s, "redfish_up", target="liquid") == 1, p.tail())
    env.r.check("schema new/new", value(s, "redfish_chassis_schema_info", thermal="new",
                                        power="new") == 1)
    env.r.check("temperatures from Sensors", count(s, "redfish_sensors_temperature") >= 4)
    env.r.check("fans from ThermalSubsystem", count(s, "redfish_sensors_fan_health") >= 2)
    env.r.check("PSU Bay1 Warning = 1", value(s, "redfish_power_supply_health", id="Bay1",
                                              status="Warning") == 1)
    reqs = requests(log)
    env.r.check("legacy Thermal/Power never requested",
                not [r for r in reqs if r[1].endswith("/Thermal") or r[1].endswith("/Power")])
    posts = [r for r in reqs if r[0] == "POST"]
    env.r.check("one session login (201)", len(posts) == 1 and posts[0][2] == "201", posts)
    env.r.check("no 401 after login", not [r for r in reqs if r[2] == "401"])
    env.r.check("session deleted at exit (DELETE 204)",
                [r for r in reqs if r[0] == "DELETE" and r[2] == "204"], reqs[-3:])
    check_no_double_counting(env, s)


def scenario_both(env):
    port, log = env.server("public-rackmount1", auth="basic")
    s, _, _, _ = env.agent_once(env.targets(target("rack", port, auth="basic")))
    env.r.check("redfish_up 1", value(s, "redfish_up", target="rack") == 1)
    env.r.check("schema new/new", value(s, "redfish_chassis_schema_info", thermal="new",
                                        power="new") == 1)
    env.r.check("CPU1Temp 44 (Sensors), not the legacy 41",
                value(s, "redfish_sensors_temperature", id="CPU1Temp") == 44)
    env.r.check("CPU1Temp health Warning = 1",
                value(s, "redfish_sensors_health", id="CPU1Temp", status="Warning") == 1)
    env.r.check("no legacy MemberId series", not [x for x in s if x[1].get("id") == "0"])
    env.r.check("chassis consumption once (EnvironmentMetrics, not TotalPower sensor)",
                value(s, "redfish_power_control_consumed_watts", id="EnvironmentMetrics") == 374
                and count(s, "redfish_sensors_power", id="TotalPower") == 0)
    env.r.check("system health rollup Warning = 1",
                value(s, "redfish_system_health_rollup", system="437XR1138R2") == 1)
    reqs = requests(log)
    env.r.check("basic auth accepted (no 401)", not [r for r in reqs if r[2] == "401"])
    env.r.check("legacy Thermal/Power never requested",
                not [r for r in reqs if r[1].endswith("/Thermal") or r[1].endswith("/Power")])
    check_no_double_counting(env, s)


def scenario_drives(env):
    port, _ = env.server("public-tower", auth="session")
    s, _, _, _ = env.agent_once(env.targets(target("tower", port, auth="session")))
    env.r.check("redfish_up 1", value(s, "redfish_up", target="tower") == 1)
    env.r.check("10 drives, each once; the 8 Absent bays not exported",
                count(s, "redfish_storage_drive_health") == 10 and
                count(s, "redfish_storage_drive_info", id="Disk-1-4") == 0,
                count(s, "redfish_storage_drive_health"))
    env.r.check("SAS HDD info", value(s, "redfish_storage_drive_info", id="Disk-1-0",
                                      storage_id="RAIDIntegrated", mediatype="HDD",
                                      protocol="SAS") == 1)
    env.r.check("capacity bytes", value(s, "redfish_storage_drive_capacity_bytes",
                                        id="Disk-1-0") == float(20266198323167230))
    env.r.check("storage health", count(s, "redfish_storage_health") == 4)


def scenario_slow(env):
    slow_path = "/redfish/v1/Chassis/1U/Sensors/CPU1Temp"
    slow_port, _ = env.server("public-rackmount1", "--slow", slow_path + "=20")
    root_port, _ = env.server("public-rackmount1", "--slow", "/redfish/v1=20")
    fast_port, _ = env.server("public-liquid-cooled-server")
    s, err, seconds, _ = env.agent_once(env.targets(
        target("slowsensor", slow_port, timeout="1s", deadline="3s"),
        target("slowroot", root_port, timeout="1s", deadline="3s"),
        target("fast", fast_port, timeout="1s", deadline="3s")))
    print("agent --once with a 20 s endpoint, 1 s timeout, 3 s deadline: %.2f s" % seconds)
    env.r.check("the collection is bounded by the deadline (< 8 s)", seconds < 8.0, seconds)
    env.r.check("slow sensor: target still up", value(s, "redfish_up", target="slowsensor") == 1)
    env.r.check("slow sensor: counted as an error",
                value(s, "redfish_collection_errors", target="slowsensor") == 1)
    env.r.check("slow sensor: that sensor is missing",
                count(s, "redfish_sensors_temperature", target="slowsensor", id="CPU1Temp") == 0)
    env.r.check("slow sensor: the other sensors were collected",
                count(s, "redfish_sensors_temperature", target="slowsensor") >= 6)
    env.r.check("slow service root: target down", value(s, "redfish_up", target="slowroot") == 0)
    env.r.check("fast target fully collected", value(s, "redfish_up", target="fast") == 1 and
                value(s, "redfish_collection_errors", target="fast") == 0)
    env.r.check("source success 0 (a target is down), named in the log",
                value(s, "hostmon_agent_source_success", source="redfish") == 0 and
                "slowroot" in err, err[-600:])
    env.r.check("/proc source still collected", count(s, "node_load1") == 1)

    # The collection deadline, not only the per-request timeout: each of the 41 sensors takes
    # 0.8 s (under the 1 s timeout); 4 in parallel would need ~8 s; the 2 s deadline cuts it.
    many_port, _ = env.server("public-rackmount1", "--slow", "/redfish/v1/Chassis/1U/Sensors/*=0.8")
    s, _, seconds, _ = env.agent_once(env.targets(
        target("many", many_port, timeout="1s", deadline="2s")))
    duration = value(s, "redfish_collection_duration_seconds", target="many")
    errors = value(s, "redfish_collection_errors", target="many")
    print("41 sensors at 0.8 s each, 2 s deadline: collection %.2f s, %s errors" % (
        duration or -1, errors))
    env.r.check("deadline holds: collection ends near 2 s (< 3 s)",
                duration is not None and duration < 3.0, duration)
    env.r.check("deadline: unfinished sensors are errors, target still up",
                value(s, "redfish_up", target="many") == 1 and errors is not None and
                errors >= 20, errors)
    env.r.check("deadline: what was read before it is exported (sensors are read last)",
                count(s, "redfish_sensors_fan_speed", target="many") == 8 and
                count(s, "redfish_power_supply_health", target="many") == 1 and
                value(s, "redfish_system_health", target="many") == 0)


def scenario_error(env):
    port, _ = env.server("public-rackmount1",
                         "--error", "/redfish/v1/Chassis/1U/ThermalSubsystem/Fans=500",
                         "--error", "/redfish/v1/Chassis/1U/Sensors/AmbientTemp=503")
    down_port, _ = env.server("public-rackmount1", "--error", "/redfish/v1/Chassis=503")
    s, err, _, _ = env.agent_once(env.targets(target("err", port), target("down", down_port)))
    env.r.check("erroring resources: up 1, 2 errors",
                value(s, "redfish_up", target="err") == 1 and
                value(s, "redfish_collection_errors", target="err") == 2)
    env.r.check("erroring resources: fans and AmbientTemp absent, others present",
                count(s, "redfish_sensors_fan_speed", target="err") == 0 and
                count(s, "redfish_sensors_temperature", target="err", id="AmbientTemp") == 0 and
                count(s, "redfish_sensors_temperature", target="err") >= 6)
    env.r.check("error logged with path and status",
                "/redfish/v1/Chassis/1U/ThermalSubsystem/Fans: HTTP status 500" in err, err[-800:])
    env.r.check("Chassis collection 503: target down",
                value(s, "redfish_up", target="down") == 0)


def scenario_garbage(env):
    port, _ = env.server("public-rackmount1", "--garbage", "/redfish/v1/Chassis/1U/Sensors")
    root_port, _ = env.server("public-rackmount1", "--garbage", "/redfish/v1")
    s, err, _, _ = env.agent_once(env.targets(target("g", port), target("groot", root_port)))
    env.r.check("garbage Sensors collection: up 1, one error",
                value(s, "redfish_up", target="g") == 1 and
                value(s, "redfish_collection_errors", target="g") == 1)
    env.r.check("garbage: clear error in the log",
                "/redfish/v1/Chassis/1U/Sensors: Collection: not JSON" in err, err[-800:])
    env.r.check("garbage: fans and PSUs still collected",
                count(s, "redfish_sensors_fan_speed", target="g") == 8 and
                count(s, "redfish_power_supply_health", target="g") == 1)
    env.r.check("garbage service root: target down, named",
                value(s, "redfish_up", target="groot") == 0 and "ServiceRoot: not JSON" in err,
                err[-800:])


def scenario_auth(env):
    port, log = env.server("public-rackmount1", auth="session")
    relogin_port, relogin_log = env.server("public-rackmount1", "--session-max-requests", "40",
                                           auth="session")
    basic_port, _ = env.server("public-rackmount1", auth="basic")
    protected_port, _ = env.server("public-rackmount1", "--protect-root", auth="session")
    with open(os.path.join(env.dir, "wrongpw"), "w") as f:
        f.write("not-the-password\n")
    s, err, _, _ = env.agent_once(env.targets(
        target("wrong", port, auth="session", password_file="wrongpw"),
        target("relogin", relogin_port, auth="session"),
        target("basicbad", basic_port, auth="basic", password_file="wrongpw"),
        target("noauth", basic_port),
        target("protected", protected_port, auth="session")))
    env.r.check("wrong password (session): down, login error logged",
                value(s, "redfish_up", target="wrong") == 0 and "session login" in err and
                "HTTP status 401" in err, err[-800:])
    posts = [r for r in requests(relogin_log) if r[0] == "POST"]
    env.r.check("expired session: logs in again and collects everything",
                value(s, "redfish_up", target="relogin") == 1 and
                value(s, "redfish_collection_errors", target="relogin") == 0 and len(posts) >= 2,
                posts)
    env.r.check("wrong password (basic): down",
                value(s, "redfish_up", target="basicbad") == 0)
    env.r.check("no credentials against a basic-auth service: down",
                value(s, "redfish_up", target="noauth") == 0)
    env.r.check("service root behind authentication: login first, then collected",
                value(s, "redfish_up", target="protected") == 1 and
                value(s, "redfish_collection_errors", target="protected") == 0)
    env.r.check("password never logged", PASSWORD not in err and "not-the-password" not in err)


def scenario_tls(env):
    d = env.dir

    def ossl(*a):
        subprocess.run(["openssl"] + list(a), cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=bmc-ca")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         "bmc.key", "-out", "bmc.csr", "-subj", "/CN=bmc")
    with open(os.path.join(d, "bmc.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    ossl("x509", "-req", "-in", "bmc.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "bmc.crt", "-days", "2", "-extfile", "bmc.ext")
    port, _ = env.server("public-rackmount1", "--tls-cert", os.path.join(d, "bmc.crt"),
                         "--tls-key", os.path.join(d, "bmc.key"), auth="session")
    s, err, _, _ = env.agent_once(env.targets(
        target("verify", port, auth="session", scheme="https"),
        target("ca", port, auth="session", scheme="https", ca_file="ca.crt"),
        target("insecure", port, auth="session", scheme="https", insecure="true")))
    env.r.check("unknown CA: verification fails, target down",
                value(s, "redfish_up", target="verify") == 0, err[-800:])
    env.r.check("the failure names the certificate problem",
                "certificate" in err.lower(), err[-800:])
    env.r.check("ca_file: verified, up", value(s, "redfish_up", target="ca") == 1 and
                value(s, "redfish_collection_errors", target="ca") == 0)
    env.r.check("insecure: up, with a warning",
                value(s, "redfish_up", target="insecure") == 1 and
                "certificate verification is OFF" in err, err[-800:])


def scenario_slow_tier(env):
    """A hung BMC does not delay the /proc sources: the agent streams to a real collector every
    500 ms while one Redfish target never answers (its service root sleeps 60 s)."""
    hung_port, _ = env.server("public-rackmount1", "--slow", "/redfish/v1=60")
    fast_port, fast_log = env.server("public-liquid-cooled-server")
    targets = env.targets(target("hung", hung_port, timeout="10s", deadline="20s"),
                          target("fast", fast_port))
    collector = env.procs.start("collector", [
        os.path.join(env.args.bin_dir, "hostmon-collector"),
        "--grpc.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0"])
    grpc, web = h.wait_for_collector_addresses(collector, timeout=10.0)
    env.r.require("collector addresses", grpc and web, collector.tail())
    agent = env.procs.start("agent", [
        os.path.join(env.args.bin_dir, "hostmon-agent"),
        "--collector.address=%s:%d" % grpc, "--hostname=bmchost",
        "--collection.interval=500ms", "--source.disable-defaults", "--source.loadavg",
        "--source.redfish", "--source.redfish.config=" + targets,
        # The tier's backstop is 8 s; the hung target's 20 s deadline is shortened to fit it.
        "--source.redfish.interval=9s", "--source.redfish.timeout=8s"])
    url = "http://%s:%d/metrics" % web
    observations = []  # (t, batches, redfish_up hung, fast up, in_flight, node_load1)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 12.0:
        s = h.scrape(url) or []
        observations.append((
            time.monotonic() - t0,
            value(s, "hostmon_collector_batches_received_total"),
            value(s, "redfish_up", target="hung", instance="bmchost"),
            value(s, "redfish_up", target="fast", instance="bmchost"),
            value(s, "hostmon_agent_slow_source_in_flight", source="redfish"),
            count(s, "node_load1", instance="bmchost")))
        time.sleep(0.2)
    batches = [(t, b) for t, b, *_ in observations if b is not None]
    stall, last_change = 0.0, None
    for i in range(1, len(batches)):
        if batches[i][1] != batches[i - 1][1]:
            if last_change is not None:
                stall = max(stall, batches[i][0] - last_change)
            last_change = batches[i][0]
    rate = (batches[-1][1] - batches[0][1]) / (batches[-1][0] - batches[0][0]) if batches else 0
    print("fast cycle while a BMC hangs: %.2f batches/s (interval 500 ms), longest gap %.2f s"
          % (rate, stall))
    env.r.check("batches keep arriving (>= 1 per second over 12 s)", rate >= 1.0, rate)
    env.r.check("no gap in the fast cycle near the 7 s Redfish deadline (< 3 s)", stall < 3.0,
                stall)
    env.r.check("a Redfish collection was in flight while batches arrived",
                any(o[4] == 1 for o in observations))
    env.r.check("/proc source exported throughout", all(o[5] == 1 for o in observations[10:]))
    env.r.check("hung target: redfish_up 0 once its deadline passed",
                any(o[2] == 0 for o in observations), observations[-1])
    env.r.check("the other target: redfish_up 1", any(o[3] == 1 for o in observations),
                observations[-1])
    env.r.check("agent still running", agent.alive(), agent.tail())
    reqs = requests(fast_log)
    gets = len([r for r in reqs if r[0] == "GET"])
    conns = len([r for r in reqs if r[0] == "CONNECT"])
    print("fast target: %d GETs over %d TCP connections" % (gets, conns))
    env.r.check("connections kept between collections (2 collections, <= 8 connections)",
                gets >= 2 * 50 and conns <= 8, (gets, conns))
    env.r.check("deadline shortening logged",
                "target deadline shortened to fit the source timeout" in agent.stderr(),
                agent.tail())


SCENARIOS = {
    "legacy": scenario_legacy, "new_only": scenario_new_only, "both": scenario_both,
    "drives": scenario_drives, "slow": scenario_slow, "error": scenario_error,
    "garbage": scenario_garbage, "auth": scenario_auth, "tls": scenario_tls,
    "slow_tier": scenario_slow_tier,
}


def body(args, procs, runner, workdir):
    env = Env(args, procs, runner, workdir)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    for name in names:
        h.log("scenario %s" % name)
        SCENARIOS[name](env)


def extra(ap):
    ap.add_argument("--scenario", default="all", choices=["all"] + list(SCENARIOS))


if __name__ == "__main__":
    h.main(__doc__.split("\n")[0], body, budget_seconds=100.0, extra_args=extra)
