# SPDX-License-Identifier: Apache-2.0
"""The IPMI test BMC (OpenIPMI's ipmi_sim, tests/fixtures/ipmi/) for hostmon's script tests.

`start_sim()` compiles the SDRs, writes lan.conf with ports chosen at run time, starts ipmi_sim
through harness.Processes (so it is stopped by PID, also when the test fails) and waits until it
owns its sockets. `SimConsole` sends ipmi_sim_cmd(5) commands over the emulator console.
`write_targets()` writes a targets file and its password file for the agent.
"""

import os
import re
import shutil
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
FIXTURE_DIR = os.path.join(TESTS_DIR, "fixtures", "ipmi")
sys.path.insert(0, os.path.join(TESTS_DIR, "e2e"))
import harness as h  # noqa: E402

IPMI_SIM_BIN = shutil.which("ipmi_sim") or "/usr/bin/ipmi_sim"
SDRCOMP_BIN = shutil.which("sdrcomp") or "/usr/bin/sdrcomp"
NAME = "hostmon-testbmc"
USER, PASSWORD = "hostmon", "hostmon-pw"


def free_udp_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Sim:
    def __init__(self, proc, port, console_port, state_dir):
        self.proc = proc
        self.port = port
        self.console_port = console_port
        self.state_dir = state_dir

    def console(self):
        return SimConsole(self.console_port)


def _owns_udp_port(pid, port):
    inodes = set()
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(name) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[1].endswith(":%04X" % port):
                        inodes.add(fields[9])
        except OSError:
            pass
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if link.startswith("socket:[") and link[8:-1] in inodes:
                return True
    except OSError:
        pass
    return False


def start_sim(procs, workdir, attempts=3, ports=None, sdrs=None):
    """Starts one simulator; returns a Sim or None. Retries with new ports when a port chosen at
    run time was taken in between (another test picked it). `ports` = (udp, console) reuses the
    ports of a stopped simulator (a BMC restarted at the same address); `sdrs` replaces the
    fixture's SDR source (a BMC whose SDR changed, e.g. after a firmware update)."""
    for _ in range(attempts if ports is None else 1):
        state = os.path.join(workdir, "ipmi_sim-%d" % int(time.monotonic() * 1000))
        sdr_dir = os.path.join(state, "ipmi_sim", NAME)
        os.makedirs(sdr_dir)
        # -8: 8-bit ASCII ID strings (sdrcomp packs short upper-case names as 6-bit otherwise).
        p = procs.run("sdrcomp", [SDRCOMP_BIN, "-8", "-o", os.path.join(sdr_dir, "sdr.20.main"),
                                  sdrs or os.path.join(FIXTURE_DIR, NAME + ".sdrs")], timeout=20.0)
        if p.returncode != 0:
            h.log("sdrcomp failed: %s" % p.tail())
            return None
        port, cport = ports or (free_udp_port(), h.free_port())
        with open(os.path.join(FIXTURE_DIR, "lan.conf")) as f:
            conf = f.read()
        conf = re.sub(r"(?m)^(\s*addr 127\.0\.0\.1) \d+\s*$", r"\1 %d" % port, conf)
        conf = re.sub(r"(?m)^(\s*console 127\.0\.0\.1) \d+\s*$", r"\1 %d" % cport, conf)
        with open(os.path.join(state, "lan.conf"), "w") as f:
            f.write(conf)
        shutil.copy(os.path.join(FIXTURE_DIR, NAME + ".emu"), state)
        # SIGPIPE ignored: a console client that hangs up early must not kill the simulator.
        # `exec` keeps the PID, so the harness stops ipmi_sim itself.
        proc = procs.start("ipmi_sim", [
            "/bin/sh", "-c", "trap '' PIPE; exec \"$0\" -n -c \"$1\" -f \"$2\" -s \"$3\"",
            IPMI_SIM_BIN, os.path.join(state, "lan.conf"), os.path.join(state, NAME + ".emu"),
            state], cwd=state)

        def ready():
            if not proc.alive():
                return "exited"
            return _owns_udp_port(proc.pid, port) and h.port_accepts("127.0.0.1", cport)

        r = h.wait_until(ready, 15.0, 0.05)
        if r is True:
            h.log("ipmi_sim pid %d on udp 127.0.0.1:%d, console tcp %d" % (proc.pid, port, cport))
            return Sim(proc, port, cport, state)
        h.log("ipmi_sim did not come up (%s): %s" % (r, proc.tail()))
        proc.stop()
    return None


class SimConsole:
    """The emulator console: telnet-style lines, `> ` prompt, errors start with `**`."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5.0)
        self._read_prompt()
        self.sock.sendall(b"noecho\n")
        self._read_prompt()

    def _read_prompt(self):
        buf = b""
        while not buf.endswith(b"> "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("ipmi_sim console closed")
            buf += chunk
        # Drop telnet negotiation bytes (IAC ...) and CRs.
        text = bytes(b for b in buf[:-2] if b < 0x80 and b != 0x0D).decode("ascii", "replace")
        return text.strip()

    def cmd(self, line):
        if line.strip().startswith("quit"):
            raise ValueError("refusing to send quit: it stops the simulator")
        self.sock.sendall(line.encode() + b"\n")
        out = self._read_prompt()
        if "**" in out:
            raise RuntimeError("ipmi_sim: %s -> %s" % (line, out))
        return out

    def close(self):
        self.sock.close()


def write_targets(workdir, sim, name="sim", timeout="2s",
                  collectors=("ipmi", "chassis", "sel", "bmc"), labels=None):
    """A targets file with one target (the simulator `sim`) and its password file."""
    return write_targets_multi(workdir, [(name, sim)], timeout, collectors, labels)


def write_targets_multi(workdir, named_sims, timeout="2s",
                        collectors=("ipmi", "chassis", "sel", "bmc"), labels=None):
    """A targets file with one target per (name, Sim) and the shared password file."""
    pw = os.path.join(workdir, "bmc.pw")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pw, 0o600)
    path = os.path.join(workdir, "ipmi-targets.yml")
    with open(path, "w") as f:
        f.write("targets:\n")
        for name, sim in named_sims:
            f.write("  - name: %s\n"
                    "    host: 127.0.0.1\n"
                    "    port: %d\n"
                    "    username: %s\n"
                    "    password_file: bmc.pw\n"
                    "    cipher_suite: 3\n"
                    "    privilege: user\n"
                    "    # ipmi_sim echoes the requested maximum privilege 0 in Open Session\n"
                    "    workaround_flags: [opensesspriv]\n"
                    "    timeout: %s\n"
                    "    collectors: [%s]\n" % (name, sim.port, USER, timeout,
                                                  ", ".join(collectors)))
            if labels:
                f.write("    labels: {%s}\n" % ", ".join("%s: %s" % kv for kv in labels.items()))
    return path


def agent_ipmi_args(targets, cache_dir):
    return ["--source.ipmi", "--source.ipmi.config=" + targets,
            "--source.ipmi.sdr-cache-dir=" + cache_dir]
