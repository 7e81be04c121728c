#!/usr/bin/env python3
"""ackguard at fleet scale, against the way users audit today.

Starts `ackguard-emulator` with a fleet of N clusters over 20 regions, a per-call latency L and a per-API rate limit Q
(a token bucket of Q calls per second with a burst of B calls, answering `Throttling.User` beyond it, as the gateway
does), then measures wall time, CPU time, peak RSS, time to the first finding and the API calls of:

  (a) `ackguard audit` (rule 1, and `--rule all`), release build; at the SDK's size also `--no-kubernetes`, which
      reads the same layers as (b) (the listing and the add-on config, not the ConfigMap);
  (b) scripts/sdk_audit.py: a sequential script on the official `alibabacloud-cs20151215` SDK that follows the rule
      article's CLI procedure (list the clusters, then DescribeClusterDetail for each Terway cluster).

Alibaba Cloud documents its API limits as "N per second" and publishes no burst, so the rule-1 audit is swept over
bursts B of one call, a tenth of a second of calls (Q/10, the emulator's default) and a full second (Q), at
Q = 50, 200 and 1000 calls per second (the last to show that the tool is not the bottleneck). For each ackguard run
it computes the floor: the time the API itself forces, that is the latency of the chain of dependent round trips
(DescribeRegions -> listing page 1 -> the other pages -> GetClusterAddonInstance -> DescribeClusterUserKubeconfig
when layer 3 is read) plus, for the busiest API, its calls beyond the burst paced at Q per second. The time to the
first finding is when ackguard's progress bar (drawn because its stderr is a pseudo-terminal here) first counts a
cluster done. It prints a table and whether each target of issues 9 and 17 holds; exit status 1 when one does not.

    python3 scripts/benchmark.py                 # the default sweep (about 6 minutes on 2 cores)
    python3 scripts/benchmark.py --quick         # a smoke run at small N
    python3 scripts/benchmark.py --sizes 500,1000,2000,5000 --rates 50,200 --bursts 1,q/10,q --latency-ms 100

Brings the release binaries in .build-bench/ (or --scratch-path) up to date with `swift build` first and
creates .venv-bench/ with the SDK from PyPI when missing.
"""

import argparse
import json
import math
import os
import platform
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGIONS = [
    "cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
    "cn-shenzhen", "cn-guangzhou", "cn-chengdu", "cn-hongkong", "ap-southeast-1", "ap-southeast-3",
    "ap-southeast-5", "ap-northeast-1", "eu-central-1", "eu-west-1", "us-west-1", "us-east-1", "me-east-1",
]
KEY_ID, KEY_SECRET = "ackguard-demo-key", "ackguard-demo-secret"
PAGE_SIZE = 50  # ackguard's and sdk_audit.py's DescribeClustersV1 page size
# Primary situations (ackguard-emulator --list-fleet) the listing alone decides: no add-on call.
LISTING_DECIDES = {
    "flannel", "terway-eni-only", "registered", "serverless-profile", "serverless-ask", "deleting", "deleted",
    "delete-failed",
}
NOT_APPLICABLE = {"registered", "serverless-profile", "serverless-ask", "deleting", "deleted", "delete-failed"}
# After the add-on call rule 1 still cannot name a Terway shared-ENI plug-in: no Kubernetes read for rule 1.
NO_PLUGIN = {"plugin-unknown"}
PRIMARY = LISTING_DECIDES | NO_PLUGIN | {
    "configmap-false", "configmap-key-absent", "configmap-zero", "configmap-empty-string", "configmap-true",
    "configmap-one", "configmap-space-false", "configmap-capital-true", "configmap-missing", "addon-config-drift",
    "addon-true-kubernetes-unreadable", "addon-false-kubernetes-unreadable", "addon-absent-kubernetes-unreadable",
    "exclusive-eni-nodes", "large-felix-cluster",
}


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Setup


def ensure_binaries(scratch, skip_build):
    """The release binaries; unless skip_build, `swift build` brings them up to date first (incremental: seconds
    when nothing changed), so a stale binary is never measured."""
    directory = os.path.join(scratch, "release")
    binaries = {name: os.path.join(directory, name) for name in ("ackguard", "ackguard-emulator")}
    if skip_build:
        missing = [name for name, path in binaries.items() if not os.path.exists(path)]
        if missing:
            sys.exit(f"benchmark: {', '.join(missing)} missing in {directory} (drop --skip-build to build them)")
        return binaries
    for name in binaries:
        log(f"== swift build -c release --product {name} (up to date in seconds; the first build takes minutes)")
        subprocess.run(
            ["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", name], cwd=ROOT, check=True,
            stdout=sys.stderr,  # stdout is the table
        )
    return binaries


def ensure_venv(venv):
    python = os.path.join(venv, "bin", "python")
    probe = [python, "-c", "import alibabacloud_cs20151215"]
    if os.path.exists(python) and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    log(f"== creating {venv} with alibabacloud-cs20151215 from PyPI")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "alibabacloud-cs20151215"], check=True)
    return python


def sdk_version(python):
    code = "import importlib.metadata as m; print(m.version('alibabacloud-cs20151215'))"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or "?"


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, {platform.system()} {platform.release()}"


# ---------------------------------------------------------------------------------------------------------------
# The emulator


def burst_for(spec, rate):
    """A burst from its spec: a number of calls, `q/10` (a tenth of a second of calls) or `q` (a second)."""
    spec = spec.strip().lower()
    if spec == "q":
        return max(1, int(rate))
    if spec.startswith("q/"):
        return max(1, int(rate / float(spec[2:])))
    return max(1, int(spec))


class Emulator:
    def __init__(self, binary, clusters, seed, latency_ms, rate, burst, extra=()):
        self.clusters = clusters
        self.rate = rate
        self.burst = burst if rate else None
        command = [
            binary, "--port", "0", "--clusters", str(clusters), "--seed", str(seed), "--regions", ",".join(REGIONS),
            "--latency-ms", str(latency_ms),
        ]
        if rate:
            command += ["--rate-limit", str(rate), "--burst", str(self.burst)]
        command += list(extra)
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.endpoint = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.match(r"listening on (http://\S+)", line)
            if match:
                self.endpoint = match.group(1).rstrip("/")
            if line.startswith("clusters:"):
                break
        if not self.endpoint:
            self.stop()
            sys.exit("benchmark: the emulator did not start")

    def admin(self, path, method="GET"):
        request = urllib.request.Request(self.endpoint + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def reset(self):
        self.admin("/_emulator/reset-log", method="POST")

    def requests(self):
        return self.admin("/_emulator/requests")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fleet(binary, clusters, seed):
    """Per cluster: region and primary situation, from `ackguard-emulator --list-fleet`."""
    output = subprocess.run(
        [binary, "--list-fleet", "--clusters", str(clusters), "--seed", str(seed), "--regions", ",".join(REGIONS)],
        capture_output=True, text=True, check=True,
    ).stdout
    result = []
    for line in output.splitlines():
        fields = line.split("\t")
        situations = set(fields[5].split(",")) if len(fields) > 5 else set()
        primary = situations & PRIMARY
        if len(primary) != 1:
            sys.exit(f"benchmark: cluster {fields[0]} has no single primary situation: {sorted(situations)}")
        result.append((fields[2], primary.pop()))
    return result


def needed_calls(clusters, rule_all, kubernetes=True):
    """The CS calls RULE.md's layers need, per API (what an ideal collector makes, nothing retried)."""
    per_region = {}
    for region, _ in clusters:
        per_region[region] = per_region.get(region, 0) + 1
    pages = sum(max(1, math.ceil(per_region.get(region, 0) / PAGE_SIZE)) for region in REGIONS)
    addon = sum(1 for _, situation in clusters if situation not in LISTING_DECIDES)
    if not kubernetes:
        kubeconfig = 0
    elif rule_all:
        kubeconfig = sum(1 for _, situation in clusters if situation not in NOT_APPLICABLE)
    else:
        kubeconfig = sum(1 for _, situation in clusters if situation not in LISTING_DECIDES | NO_PLUGIN)
    calls = {"DescribeRegions": 1, "DescribeClustersV1": pages, "GetClusterAddonInstance": addon}
    # Where GetClusterAddonInstance answers that terway-eniip is not installed, the client asks the deprecated
    # DescribeClusterAddonInstance before it believes it (the two APIs can disagree).
    fallback = sum(1 for _, situation in clusters if situation in NO_PLUGIN)
    if fallback:
        calls["DescribeClusterAddonInstance"] = fallback
    if kubeconfig:
        calls["DescribeClusterUserKubeconfig"] = kubeconfig
    multi_page = any(count > PAGE_SIZE for count in per_region.values())
    return calls, multi_page


def floor_seconds(calls, multi_page, latency, rate, burst):
    """Latency of the chain of dependent round trips, plus the busiest API's calls beyond the burst paced at Q."""
    chain = 2 + (1 if multi_page else 0) + (1 if calls.get("GetClusterAddonInstance") else 0)
    chain += 1 if calls.get("DescribeClusterUserKubeconfig") else 0
    paced = 0.0
    if rate:
        paced = max(max(count - burst, 0) / rate for count in calls.values())
    return chain * latency + paced


# ---------------------------------------------------------------------------------------------------------------
# Measuring one run


PROGRESS = re.compile(rb"\] (\d+)/\d+ clusters")


def measured(command, env, stdout_path, first_finding="progress"):
    """Runs `command` to completion: wall seconds, CPU seconds (user + system), peak RSS in MB, exit code, and the
    seconds to the first finding: with `progress`, stderr is a pseudo-terminal and the first finding is when the
    progress bar first counts a cluster done; with `stdout`, when the first line reaches stdout_path."""
    first = {}
    with open(stdout_path, "w") as out:
        if first_finding == "progress":
            master, slave = pty.openpty()
            stderr_target = slave
        else:
            master, slave, stderr_target = None, None, subprocess.PIPE
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=stderr_target, env=env, cwd=ROOT)
        chunks = []

        def read_pty():
            pending = b""
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                if not data:
                    return
                chunks.append(data)
                pending = (pending + data)[-256:]
                if "at" not in first:
                    for match in PROGRESS.finditer(pending):
                        if int(match.group(1)) >= 1:
                            first["at"] = time.perf_counter() - start
                            break

        def watch_stdout():
            while process.poll() is None and "at" not in first:
                if os.path.getsize(stdout_path) > 0:
                    first["at"] = time.perf_counter() - start
                    return
                time.sleep(0.005)

        if master is not None:
            os.close(slave)
            reader = threading.Thread(target=read_pty, daemon=True)
        else:
            reader = threading.Thread(target=watch_stdout, daemon=True)
        reader.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if master is not None:
            reader.join(timeout=5)
            os.close(master)
            stderr = b"".join(chunks).decode(errors="replace")
        else:
            stderr = process.stderr.read().decode(errors="replace")
            process.stderr.close()
            reader.join(timeout=5)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": process.returncode,
        "stderr": stderr,
        "first_finding": first.get("at"),
    }


def tool_environment():
    """The environment of a measured tool: the emulator's key, no proxy, and never the ECS metadata service."""
    env = dict(os.environ)
    env.update({
        "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": KEY_SECRET,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
        # Never leave this machine: no credential chain may probe the ECS metadata service.
        "ACKGUARD_NO_METADATA_PROBE": "1", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    })
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(name, None)
    return env


def run_tool(tool, emulator, binaries, python, run, concurrency, workdir):
    rule_all = run == "all"
    env = tool_environment()
    report = os.path.join(workdir, f"{tool}-{emulator.clusters}-{emulator.rate}-{emulator.burst}-{run}.out")
    if tool == "ackguard":
        # No -q: stderr is a pseudo-terminal, so the progress bar shows when the first cluster is done.
        command = [binaries["ackguard"], "audit", "--endpoint", emulator.endpoint, "--format", "json"]
        if rule_all:
            command += ["--rule", "all"]
        if run == "nok8s":
            command += ["--no-kubernetes"]
        if concurrency:
            command += ["--concurrency", str(concurrency)]
        command += ["--output", report]
        stdout = os.path.join(workdir, "ackguard.stdout")
    else:
        host = emulator.endpoint.split("://", 1)[1]
        command = [python, os.path.join(ROOT, "scripts", "sdk_audit.py"), "--endpoint", host, "--protocol", "http"]
        stdout = report
    time.sleep(1.5)  # every token bucket refills (a burst of at most Q at Q per second)
    emulator.reset()
    result = measured(command, env, stdout, first_finding="progress" if tool == "ackguard" else "stdout")
    counts = emulator.requests()
    result["counts"] = counts.get("counts", {})
    result["throttled"] = counts.get("throttled", {})
    result["cs_calls"] = sum(v for k, v in result["counts"].items() if not k.startswith("k8s:"))
    result["k8s_calls"] = sum(v for k, v in result["counts"].items() if k.startswith("k8s:"))
    result["throttled_calls"] = sum(result["throttled"].values())
    if tool == "ackguard":
        if result["exit"] not in (0, 1, 3):
            sys.exit(f"benchmark: ackguard exited {result['exit']}:\n{result['stderr'][-2000:]}")
        with open(report) as handle:
            findings = json.load(handle)["findings"]
        result["findings"] = len(findings)
        result["unknown"] = sum(1 for f in findings if f["status"] == "UNKNOWN")
    else:
        if result["exit"] != 0:
            sys.exit(f"benchmark: sdk_audit.py exited {result['exit']}:\n{result['stderr'][-2000:]}")
        with open(report) as handle:
            result["findings"] = sum(1 for line in handle if line.strip())
    return result


# ---------------------------------------------------------------------------------------------------------------
# Linear growth


def linear_fit(points):
    """Least squares line through (x, y): slope, intercept, R²."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in points)
    ss_tot = sum((y - mean_y) ** 2 for _, y in points)
    return slope, intercept, (1 - ss_res / ss_tot) if ss_tot else 1.0


def grows_linearly(points):
    """True when the largest size costs no more than 25% above the line through the smaller sizes (no superlinear
    growth), and the line through all sizes fits (R² >= 0.95)."""
    points = sorted(points)
    if len(points) < 3:
        return None, "needs three sizes"
    slope, intercept, r2 = linear_fit(points[:-1])
    x, y = points[-1]
    predicted = intercept + slope * x
    _, _, r2_all = linear_fit(points)
    ok = y <= 1.25 * predicted and r2_all >= 0.95
    return ok, f"at N={x}: {y:.3g} vs {predicted:.3g} extrapolated from smaller N, R²={r2_all:.3f}"


# ---------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="ackguard fleet-scale benchmark (issues 9 and 17)")
    parser.add_argument("--latency-ms", type=int, default=100, help="per-call latency L (100)")
    parser.add_argument("--rates", default="50,200,1000", help="rate limits Q to sweep at N=--clusters (50,200,1000)")
    parser.add_argument("--bursts", default="1,q/10,q",
                        help="token-bucket bursts to sweep at each rate: calls, q/10 or q (1,q/10,q)")
    parser.add_argument("--default-burst", default="q/10",
                        help="burst for the SDK comparison, --rule all and the growth series (q/10, the emulator's)")
    parser.add_argument("--clusters", type=int, default=1000, help="N for the sweep and the SDK (1000)")
    parser.add_argument("--sizes", default="500,1000,2000,5000", help="N for the growth series at --growth-rate")
    parser.add_argument("--growth-rate", type=float, default=200, help="Q of the growth series (200)")
    parser.add_argument("--sdk-rates", default="200", help="rates at which the SDK script runs too (200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=0, help="pass --concurrency to ackguard (default: its own)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per ackguard measurement; the median wall is kept")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--skip-build", action="store_true", help="measure the binaries as they are (no swift build)")
    parser.add_argument("--scratch-path", default=os.path.join(ROOT, ".build-bench"))
    parser.add_argument("--venv", default=os.path.join(ROOT, ".venv-bench"))
    parser.add_argument("--json", help="also write every measurement to this file")
    parser.add_argument("--organisation", metavar="MxK",
                        help="instead of the sweep: an organisation of M member accounts with K clusters each "
                             "(e.g. 50x100), each member with its own rate limit Q (the first of --rates)")
    parser.add_argument("--account-concurrency", type=int, default=0,
                        help="with --organisation: pass --account-concurrency to ackguard (default: its own, 4)")
    args = parser.parse_args()
    if args.quick:
        args.clusters, args.sizes = 200, "100,200,400"

    binaries = ensure_binaries(os.path.abspath(args.scratch_path), args.skip_build)
    latency = args.latency_ms / 1000
    rates = [float(q) for q in args.rates.split(",") if q]
    if args.organisation:
        return organisation_case(args, binaries, latency, rates[0])
    python = ensure_venv(os.path.abspath(args.venv))
    burst_specs = [b for b in args.bursts.split(",") if b.strip()]
    sdk_rates = {float(q) for q in args.sdk_rates.split(",") if q}
    sizes = sorted({int(n) for n in args.sizes.split(",") if n})
    growth_rate = args.growth_rate

    # (N, Q, B) -> which runs. The sweep: rule 1 at every burst; the other runs at the default burst.
    plan = {}
    for rate in rates:
        for spec in burst_specs:
            plan.setdefault((args.clusters, rate, burst_for(spec, rate)), set()).add("rule1")
        default = burst_for(args.default_burst, rate)
        plan.setdefault((args.clusters, rate, default), set()).update(
            {"rule1", "all"} | ({"sdk", "nok8s"} if rate in sdk_rates else set()))
    growth_burst = burst_for(args.default_burst, growth_rate)
    for size in sizes:
        plan.setdefault((size, growth_rate, growth_burst), set()).add("rule1")
    plan.setdefault((max(sizes), growth_rate, growth_burst), set()).add("all")

    rows = []
    workdir = tempfile.mkdtemp(prefix="ackguard-bench-")
    try:
        for (clusters, rate, burst), runs in sorted(plan.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])):
            shape = fleet(binaries["ackguard-emulator"], clusters, args.seed)
            log(f"== N={clusters} Q={rate:g}/s B={burst} L={args.latency_ms} ms: {', '.join(sorted(runs))}")
            emulator = Emulator(binaries["ackguard-emulator"], clusters, args.seed, args.latency_ms, rate, burst)
            try:
                for run in ("rule1", "all", "nok8s", "sdk"):
                    if run not in runs:
                        continue
                    tool = "sdk" if run == "sdk" else "ackguard"
                    repeats = 1 if tool == "sdk" else max(1, args.repeat)
                    results = [
                        run_tool(tool, emulator, binaries, python, run, args.concurrency, workdir)
                        for _ in range(repeats)
                    ]
                    results.sort(key=lambda r: r["wall"])
                    result = results[len(results) // 2]
                    row = {"clusters": clusters, "rate": rate, "burst": burst, "run": run, **result}
                    row.pop("stderr", None)
                    if tool == "ackguard":
                        calls, multi_page = needed_calls(shape, run == "all", kubernetes=run != "nok8s")
                        row["needed"] = calls
                        row["floor"] = floor_seconds(calls, multi_page, latency, rate, emulator.burst)
                        expected = clusters * (2 if run == "all" else 1)
                        if row["findings"] != expected:
                            sys.exit(f"benchmark: {row['findings']} findings, expected {expected}")
                    rows.append(row)
                    first = row.get("first_finding")
                    log(f"   {run}: {row['wall']:.2f} s wall"
                        + (f" (floor {row['floor']:.2f} s, {row['wall'] / row['floor']:.2f}x)" if row.get("floor")
                           else "")
                        + (f", first finding {first:.2f} s" if first is not None else ", first finding -"))
                    log(f"      {row['cpu']:.2f} s CPU, {row['rss_mb']:.0f} MB, "
                        f"{row['cs_calls']} CS calls ({row['throttled_calls']} throttled)")
            finally:
                emulator.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    targets = evaluate_targets(rows, args, sizes, growth_rate, rates)
    print_report(rows, args, latency, targets, python)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"machine": machine(), "rows": rows}, handle, indent=2, sort_keys=True)
    return 0 if all(ok for ok, _ in targets.values() if ok is not None) else 1


def organisation_case(args, binaries, latency, rate):
    """One organisation-wide audit: M members of K clusters each behind their own per-API token buckets (Q per
    second, the emulator's default burst of Q/10), audited with --resource-directory from the management account.

    Floors: the API's (every member at once: the directory listing, one AssumeRole, then the busiest member's chain
    and paced calls) and the one ackguard's --concurrency C sets: every listed account's clusters share C places
    (--account-concurrency bounds only the listings), and each cluster holds its place for at least its two dependent
    CS round trips (the add-on, then the kubeconfig), so the clusters need at least N x 2L / C."""
    match = re.fullmatch(r"(\d+)x(\d+)", args.organisation)
    if not match:
        sys.exit("benchmark: --organisation takes MxK, e.g. 50x100")
    members, per_member = int(match.group(1)), int(match.group(2))
    burst = burst_for("q/10", rate)
    log(f"== organisation: {members} members x {per_member} clusters, Q={rate:g}/s per member API, B={burst}, "
        f"L={args.latency_ms} ms")
    emulator = Emulator(
        binaries["ackguard-emulator"], 1, args.seed, args.latency_ms, rate, burst,
        extra=["--members", str(members), "--member-clusters", str(per_member), "--member-rate-limit", str(rate)])
    workdir = tempfile.mkdtemp(prefix="ackguard-bench-org-")
    try:
        env = tool_environment()
        report = os.path.join(workdir, "org.json")
        command = [
            binaries["ackguard"], "audit", "--resource-directory", "--endpoint", emulator.endpoint,
            "--rm-endpoint", emulator.endpoint, "--sts-endpoint", emulator.endpoint, "--format", "json",
            "--no-history", "--output", report,
        ]
        if args.account_concurrency:
            command += ["--account-concurrency", str(args.account_concurrency)]
        time.sleep(1.5)
        emulator.reset()
        result = measured(command, env, os.path.join(workdir, "stdout"), first_finding="progress")
        counts = emulator.requests()
    finally:
        emulator.stop()
    if result["exit"] not in (0, 1, 3):
        shutil.rmtree(workdir, ignore_errors=True)
        sys.exit(f"benchmark: ackguard exited {result['exit']}:\n{result['stderr'][-2000:]}")
    with open(report) as handle:
        findings = json.load(handle)["findings"]
    shutil.rmtree(workdir, ignore_errors=True)
    accounts = {f.get("accountId") for f in findings}
    audited = len(accounts)
    calls = counts.get("counts", {})
    throttled = sum(counts.get("throttled", {}).values())
    cs_calls = sum(v for k, v in calls.items() if not k.startswith("k8s:"))
    # Per member: its listing (one page per region it has clusters in, at most), then per cluster the add-on call
    # and the kubeconfig at most: the busiest API needs per_member calls, beyond the burst paced at Q.
    member_floor = latency * 5 + max(per_member - burst, 0) / rate
    api_floor = latency * 2 + member_floor  # ListAccounts, AssumeRole, then every member at once
    concurrency = 128  # ackguard's default --concurrency
    tool_floor = max(api_floor, latency * 2 + len(findings) * 2 * latency / concurrency)
    print()
    print(f"| members | clusters | Q/s per member | accounts audited | wall s | API floor s | floor at C={concurrency} s | "
          "wall/floor(C) | first finding s | CPU s | peak RSS MB | CS calls | throttled |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    first = result.get("first_finding")
    print(f"| {members} | {len(findings)} | {rate:g} | {audited} | {result['wall']:.2f} | {api_floor:.2f} | "
          f"{tool_floor:.2f} | {result['wall'] / tool_floor:.2f} | {first if first is None else round(first, 2)} | "
          f"{result['cpu']:.2f} | {result['rss_mb']:.0f} | {cs_calls} | {throttled} "
          f"({100 * throttled / max(cs_calls, 1):.1f}%) |")
    return 0


def label(run):
    return {
        "rule1": "ackguard audit", "all": "ackguard audit --rule all", "nok8s": "ackguard audit --no-kubernetes",
        "sdk": "SDK script (b)",
    }[run]


def print_report(rows, args, latency, targets, python):
    print(f"ackguard fleet benchmark: L = {args.latency_ms} ms per CS call, 20 regions, "
          "token bucket of Q calls/s with a burst of B calls per API")
    print(f"machine: {machine()}; SDK alibabacloud-cs20151215 {sdk_version(python)}")
    print()
    header = ["N", "Q/s", "B", "tool", "wall s", "floor s", "wall/floor", "first finding s", "CPU s", "peak RSS MB",
              "CS calls", "throttled", "k8s calls"]
    table = [header]
    for row in rows:
        floor = row.get("floor")
        first = row.get("first_finding")
        share = row["throttled_calls"] / row["cs_calls"] if row["cs_calls"] else 0
        table.append([
            str(row["clusters"]), f"{row['rate']:g}", str(row["burst"]), label(row["run"]), f"{row['wall']:.2f}",
            f"{floor:.2f}" if floor else "-", f"{row['wall'] / floor:.2f}" if floor else "-",
            f"{first:.2f}" if first is not None else "-", f"{row['cpu']:.2f}", f"{row['rss_mb']:.0f}",
            str(row["cs_calls"]), f"{row['throttled_calls']} ({100 * share:.1f}%)", str(row["k8s_calls"]),
        ])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print("| " + " | ".join(cell.ljust(widths[i]) if i == 3 else cell.rjust(widths[i])
                                for i, cell in enumerate(line)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) if i == 3 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
    print()
    for row in rows:
        if row["run"] != "sdk":
            continue
        for run in ("rule1", "nok8s"):
            ours = find(rows, row["clusters"], row["rate"], run, row["burst"])
            if ours:
                print(f"(b)/(a) at N={row['clusters']}, Q={row['rate']:g}, B={row['burst']}, {label(run)}: "
                      f"wall {row['wall'] / ours['wall']:.1f}x, CPU {row['cpu'] / ours['cpu']:.1f}x, "
                      f"peak RSS {row['rss_mb'] / ours['rss_mb']:.1f}x, CS calls {row['cs_calls']} vs {ours['cs_calls']}")
    print("floor = L x (DescribeRegions -> listing page 1 [-> other pages] -> add-on [-> kubeconfig]) "
          "+ (busiest API's needed calls - B) / Q")
    print()
    print("targets:")
    for name, (ok, detail) in targets.items():
        verdict = "PASS" if ok else ("FAIL" if ok is not None else "n/a ")
        print(f"  [{verdict}] {name}: {detail}")


def find(rows, clusters, rate, run, burst=None):
    for row in rows:
        if row["clusters"] == clusters and row["rate"] == rate and row["run"] == run:
            if burst is None or row["burst"] == burst:
                return row
    return None


def evaluate_targets(rows, args, sizes, growth_rate, rates):
    targets = {}
    for rate in (50.0, 200.0):
        if rate not in rates:
            continue
        for spec in [b for b in args.bursts.split(",") if b.strip()]:
            burst = burst_for(spec, rate)
            row = find(rows, args.clusters, rate, "rule1", burst)
            name = f"ackguard within 1.3x of the floor at Q={rate:g}, B={burst}, N={args.clusters}"
            if row:
                ratio = row["wall"] / row["floor"]
                targets[name] = (ratio <= 1.3, f"{row['wall']:.2f} s vs floor {row['floor']:.2f} s = {ratio:.2f}x")
            else:
                targets[name] = (None, "not measured")
    sdk = find(rows, args.clusters, 200.0, "sdk")
    ours = find(rows, args.clusters, 200.0, "rule1", sdk["burst"]) if sdk else None
    name = f"at least 10x faster than the SDK script at Q=200, N={args.clusters}"
    targets[name] = (
        (sdk["wall"] / ours["wall"] >= 10,
         f"B={sdk['burst']}: {sdk['wall']:.1f} s vs {ours['wall']:.2f} s = {sdk['wall'] / ours['wall']:.1f}x")
        if sdk and ours else (None, "not measured")
    )
    heavy = []
    worst = None
    for row in rows:
        if row["run"] == "sdk" or not row["cs_calls"]:
            continue
        share = row["throttled_calls"] / row["cs_calls"]
        if worst is None or share > worst[0]:
            worst = (share, row)
        if share > 0.05:
            heavy.append(f"N={row['clusters']} Q={row['rate']:g} B={row['burst']} {row['run']}: "
                         f"{row['throttled_calls']} of {row['cs_calls']} ({100 * share:.1f}%)")
    targets["throttled calls at most 5% of ackguard's CS calls, every run"] = (
        (not heavy, "; ".join(heavy) if heavy else
         f"worst {100 * worst[0]:.1f}% (N={worst[1]['clusters']} Q={worst[1]['rate']:g} B={worst[1]['burst']} "
         f"{worst[1]['run']})") if worst else (None, "not measured")
    )
    largest = find(rows, max(sizes), growth_rate, "rule1")
    name = f"peak RSS under 150 MB at N={max(sizes)}"
    targets[name] = (largest["rss_mb"] < 150, f"{largest['rss_mb']:.0f} MB") if largest else (None, "not measured")
    growth_burst = burst_for(args.default_burst, growth_rate)
    series = [find(rows, n, growth_rate, "rule1", growth_burst) for n in sizes]
    series = [row for row in series if row]
    for metric, key in (("time", "wall"), ("memory", "rss_mb")):
        ok, detail = grows_linearly([(row["clusters"], row[key]) for row in series])
        targets[f"{metric} grows linearly from N={min(sizes)} to {max(sizes)}"] = (ok, detail)
    problems = []
    for row in rows:
        if row["run"] == "sdk":
            continue
        answered = {k: v - row["throttled"].get(k, 0) for k, v in row["counts"].items() if not k.startswith("k8s:")}
        if answered.get("DescribeClusterDetail", 0):
            problems.append(f"N={row['clusters']} {row['run']}: {answered['DescribeClusterDetail']} detail calls")
        for api, count in row["needed"].items():
            if answered.get(api, 0) != count:
                problems.append(f"N={row['clusters']} Q={row['rate']:g} B={row['burst']} {row['run']}: {api} "
                                f"answered {answered.get(api, 0)}, needed {count}")
        extra = set(answered) - set(row["needed"])
        if extra:
            problems.append(f"N={row['clusters']} {row['run']}: unexpected {sorted(extra)}")
    targets["no redundant calls (answered calls per API = what RULE.md's layers need; no detail call)"] = (
        not problems, "; ".join(problems) if problems else "every run"
    )
    return targets


if __name__ == "__main__":
    sys.exit(main())
