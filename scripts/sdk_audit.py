#!/usr/bin/env python3
"""The way users audit ACK-007 today: a plain, sequential script on the official SDK.

It follows the rule article's CLI procedure (Trend Micro Conformity AlibabaCloud-ACK-007, "Using Alibaba Cloud
CLI"): list the clusters, find the Terway ones, then for each Terway cluster call DescribeClusterDetail and read
the `NetworkPolicy` value of the `terway-eniip` add-on in `meta_data`. Over several regions a careful user lists
every region (DescribeRegions, then DescribeClustersV1 page by page, the current form of `GET /clusters`), and
retries throttled and failed calls with exponential backoff. It reads neither the add-on API nor the clusters'
`eni-config` ConfigMap: the article does not.

Needs `pip install alibabacloud-cs20151215`. Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET.

    python3 scripts/sdk_audit.py --endpoint 127.0.0.1:8080 --protocol http

Prints one line per cluster (`cluster_id region verdict reason`) and a summary line on stderr.
"""

import argparse
import json
import os
import sys
import time

from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client
from alibabacloud_tea_openapi import models as openapi_models


def make_client(endpoint, protocol):
    config = openapi_models.Config(
        access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        endpoint=endpoint,
        protocol=protocol,
        read_timeout=10000,
        connect_timeout=5000,
    )
    return Client(config)


def is_retryable(error):
    code = str(getattr(error, "code", "") or "")
    status = getattr(error, "status_code", None) or getattr(error, "statusCode", None) or 0
    if "Throttling" in code or "ServiceUnavailable" in code:
        return True
    if isinstance(status, int) and status >= 500:
        return True
    # Connection resets and timeouts surface as plain exceptions without an API error code.
    return not code


def call(function, stats, attempts=8):
    """Calls `function()`, retrying throttling, 5xx and network errors with exponential backoff."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        stats["calls"] += 1
        try:
            return function()
        except Exception as error:  # noqa: BLE001 - the SDK raises several unrelated exception types
            if attempt == attempts or not is_retryable(error):
                raise
            if "Throttling" in str(getattr(error, "code", "") or ""):
                stats["throttled"] += 1
            time.sleep(delay)
            delay = min(delay * 2, 20)
    raise AssertionError("unreachable")


def terway_network_policy(meta_data):
    """The `NetworkPolicy` value of the terway-eniip add-on in `meta_data`, or None when there is no such add-on."""
    try:
        meta = json.loads(meta_data or "{}")
    except ValueError:
        return None
    for addon in meta.get("Addons") or []:
        if addon.get("name") == "terway-eniip":
            try:
                config = json.loads(addon.get("config") or "{}")
            except ValueError:
                config = {}
            return str(config.get("NetworkPolicy", ""))
    return None


def is_terway(cluster):
    """Whether the listing shows the Terway plug-in (the article's `Network` check)."""
    try:
        meta = json.loads(cluster.meta_data or "{}")
    except ValueError:
        return False
    names = [addon.get("name", "") for addon in meta.get("Addons") or []]
    network = (meta.get("Capabilities") or {}).get("Network", "")
    return any(name.startswith("terway") for name in names) or str(network).lower().startswith("terway")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="CS endpoint host[:port]")
    parser.add_argument("--protocol", default="https", choices=["http", "https"])
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--quiet", action="store_true", help="no per-cluster lines")
    args = parser.parse_args()

    client = make_client(args.endpoint, args.protocol)
    stats = {"calls": 0, "throttled": 0}
    regions = call(lambda: client.describe_regions(cs_models.DescribeRegionsRequest()), stats).body.regions
    verdicts = {"PASS": 0, "FAIL": 0}
    for region in sorted(r.region_id for r in regions):
        page = 1
        seen = 0
        while True:
            request = cs_models.DescribeClustersV1Request(region_id=region, page_number=page, page_size=args.page_size)
            body = call(lambda: client.describe_clusters_v1(request), stats).body
            clusters = body.clusters or []
            for cluster in clusters:
                if not is_terway(cluster):
                    verdict, reason = "FAIL", "not-terway"
                else:
                    detail = call(lambda: client.describe_cluster_detail(cluster.cluster_id), stats).body
                    policy = terway_network_policy(detail.meta_data)
                    verdict = "PASS" if policy == "true" else "FAIL"
                    reason = f"NetworkPolicy={policy!r}"
                verdicts[verdict] += 1
                if not args.quiet:
                    print(cluster.cluster_id, region, verdict, reason)
            seen += len(clusters)
            total = body.page_info.total_count if body.page_info else None
            if not clusters or (total is not None and seen >= total):
                break
            page += 1
    print(
        f"sdk_audit: {sum(verdicts.values())} clusters, {verdicts['PASS']} PASS, {verdicts['FAIL']} FAIL, "
        f"{stats['calls']} calls ({stats['throttled']} throttled)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
