"""Fidelity check: the official Alibaba Cloud Python SDK against ackguard-emulator.

The SDK (alibabacloud-cs20151215 + alibabacloud-tea-openapi, written by Alibaba Cloud, not by this project) signs
its own requests (V3 ACS3-HMAC-SHA256 by default, ROA HMAC-SHA1 with signature_algorithm="v2") and decodes the
responses with its own models, so a shape or signing mismatch in the emulator fails here.

Run:
    python3 -m venv /tmp/venv-fid
    /tmp/venv-fid/bin/pip install alibabacloud-cs20151215 pytest
    swift build --product ackguard-emulator
    /tmp/venv-fid/bin/python -m pytest -q Tests/fidelity/test_cs_sdk.py

The emulator binary is $ACKGUARD_EMULATOR, default .build/debug/ackguard-emulator (relative to the repository).
"""

import json
import os
import pathlib
import subprocess

import pytest
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CSClient
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_util import models as util_models

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DEMO_KEY = "ackguard-demo-key"
DEMO_SECRET = "ackguard-demo-secret"


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("ACKGUARD_EMULATOR", ".build/debug/ackguard-emulator")
    path = pathlib.Path(binary)
    if not path.is_absolute():
        path = REPOSITORY / path
    assert path.exists(), f"emulator binary not found at {path} (build it or set ACKGUARD_EMULATOR)"
    process = subprocess.Popen(
        [str(path), "--port", "0", "--clusters", "30", "--seed", "11"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), f"unexpected first line: {first!r}"
        port = int(first.rsplit(":", 1)[1])
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def client(endpoint, secret=DEMO_SECRET, key=DEMO_KEY, token=None, algorithm=None):
    config = openapi_models.Config(
        access_key_id=key,
        access_key_secret=secret,
        security_token=token,
        endpoint=endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    if algorithm:
        config.signature_algorithm = algorithm
    return CSClient(config)


def list_all(cs, page_size):
    clusters, page, total = [], 1, None
    while True:
        response = cs.describe_clusters_v1(
            cs_models.DescribeClustersV1Request(page_size=page_size, page_number=page)
        )
        assert response.status_code == 200
        info = response.body.page_info
        assert info.page_number == page and info.page_size == page_size
        total = info.total_count
        clusters.extend(response.body.clusters)
        if len(clusters) >= total or not response.body.clusters:
            break
        page += 1
    return clusters, total, page


def test_lists_clusters_across_pages_with_v3_signing(emulator):
    clusters, total, pages = list_all(client(emulator), page_size=7)
    assert total == 30
    assert pages == 5
    ids = [cluster.cluster_id for cluster in clusters]
    assert len(set(ids)) == 30
    for cluster in clusters:
        assert cluster.cluster_id.startswith("c") and len(cluster.cluster_id) == 33
        assert cluster.region_id and cluster.cluster_type and cluster.state
        meta = json.loads(cluster.meta_data)
        assert isinstance(meta.get("Addons", []), list)
        master = json.loads(cluster.master_url)
        assert master["api_server_endpoint"].startswith("https://127.0.0.1:")


def test_filters_by_region_and_type(emulator):
    cs = client(emulator)
    response = cs.describe_clusters_v1(
        cs_models.DescribeClustersV1Request(region_id="cn-beijing", cluster_type="ManagedKubernetes", page_size=100)
    )
    assert response.body.clusters
    for cluster in response.body.clusters:
        assert cluster.region_id == "cn-beijing" and cluster.cluster_type == "ManagedKubernetes"
    assert response.body.page_info.total_count == len(response.body.clusters)


def terway_cluster(cs):
    clusters, _, _ = list_all(cs, page_size=50)
    for cluster in clusters:
        meta = json.loads(cluster.meta_data)
        names = [addon.get("name") for addon in meta.get("Addons", [])]
        if "terway-eniip" in names and cluster.state == "running":
            return cluster
    raise AssertionError("no running terway-eniip cluster in the fleet")


def test_cluster_detail_and_addon_instance_with_v3_signing(emulator):
    cs = client(emulator)
    cluster = terway_cluster(cs)
    detail = cs.describe_cluster_detail(cluster.cluster_id)
    assert detail.status_code == 200
    assert detail.body.cluster_id == cluster.cluster_id
    assert detail.body.parameters["Network"] == "terway-eniip"
    assert json.loads(detail.body.meta_data)["Addons"]
    addon = cs.get_cluster_addon_instance(cluster.cluster_id, "terway-eniip")
    assert addon.status_code == 200
    assert addon.body.name == "terway-eniip"
    assert addon.body.state == "active"
    assert addon.body.version
    config = json.loads(addon.body.config)
    assert isinstance(config, dict)
    assert addon.body.logging.capable is False


def test_missing_addon_is_addon_not_found(emulator):
    cs = client(emulator)
    cluster = terway_cluster(cs)
    with pytest.raises(Exception) as raised:
        cs.get_cluster_addon_instance(cluster.cluster_id, "flannel")
    assert raised.value.code == "AddonNotFound"
    assert raised.value.statusCode == 404


def test_unknown_cluster_is_cluster_not_found(emulator):
    with pytest.raises(Exception) as raised:
        client(emulator).describe_cluster_detail("c" + "0" * 32)
    assert raised.value.code == "ErrorClusterNotFound"
    assert raised.value.statusCode == 404


def test_wrong_secret_gives_signature_does_not_match(emulator):
    with pytest.raises(Exception) as raised:
        client(emulator, secret="not-the-secret").describe_clusters_v1(cs_models.DescribeClustersV1Request())
    assert raised.value.code == "SignatureDoesNotMatch"
    assert raised.value.statusCode == 400


def test_wrong_secret_gives_signature_does_not_match_with_roa(emulator):
    with pytest.raises(Exception) as raised:
        client(emulator, secret="not-the-secret", algorithm="v2").describe_cluster_detail("c" + "1" * 32)
    assert raised.value.code == "SignatureDoesNotMatch"


def test_unknown_access_key(emulator):
    with pytest.raises(Exception) as raised:
        client(emulator, key="no-such-key").describe_clusters_v1(cs_models.DescribeClustersV1Request())
    assert raised.value.code == "InvalidAccessKeyId.NotFound"


def test_roa_hmac_sha1_calls(emulator):
    cs = client(emulator, algorithm="v2")
    response = cs.describe_clusters_v1(cs_models.DescribeClustersV1Request(page_size=3, page_number=2, name="-"))
    assert response.status_code == 200
    assert response.body.page_info.page_number == 2
    cluster = terway_cluster(cs)
    addon = cs.describe_cluster_addon_instance(cluster.cluster_id, "terway-eniip")
    assert addon.body.name == "terway-eniip"
    legacy = cs.describe_clusters(cs_models.DescribeClustersRequest())
    assert len(legacy.body) == 30


def test_modify_addon_then_upgrade_status_then_merged_config(emulator):
    cs = client(emulator)
    cluster = terway_cluster(cs)
    before = json.loads(cs.get_cluster_addon_instance(cluster.cluster_id, "terway-eniip").body.config or "{}")
    cs.modify_cluster_addon(
        cluster.cluster_id,
        "terway-eniip",
        cs_models.ModifyClusterAddonRequest(config=json.dumps({"NetworkPolicy": "true"})),
    )
    statuses = []
    for _ in range(10):
        status = cs.describe_cluster_addons_upgrade_status(
            cluster.cluster_id,
            cs_models.DescribeClusterAddonsUpgradeStatusRequest(component_ids=["terway-eniip"]),
        )
        statuses.append(status.body["terway-eniip"]["tasks"]["status"])
        if statuses[-1] == "Success":
            break
    assert statuses[0] == "Running" and statuses[-1] == "Success"
    after = json.loads(cs.get_cluster_addon_instance(cluster.cluster_id, "terway-eniip").body.config)
    expected = dict(before)
    expected["NetworkPolicy"] = "true"
    assert after == expected


def test_user_kubeconfig(emulator):
    cs = client(emulator)
    cluster = terway_cluster(cs)
    response = cs.describe_cluster_user_kubeconfig(
        cluster.cluster_id,
        cs_models.DescribeClusterUserKubeconfigRequest(private_ip_address=False, temporary_duration_minutes=60),
    )
    assert "client-certificate-data" in response.body.config
    assert f"/clusters/{cluster.cluster_id}" in response.body.config
    assert response.body.expiration.endswith("Z")
    with pytest.raises(Exception) as raised:
        cs.describe_cluster_user_kubeconfig(
            cluster.cluster_id, cs_models.DescribeClusterUserKubeconfigRequest(temporary_duration_minutes=5)
        )
    assert raised.value.code == "InvalidParameter"


def test_sts_assume_role_then_call_with_token(emulator):
    config = openapi_models.Config(
        access_key_id=DEMO_KEY,
        access_key_secret=DEMO_SECRET,
        endpoint=emulator,
        protocol="http",
        region_id="cn-hangzhou",
        signature_algorithm="v2",
    )
    sts = OpenApiClient(config)
    params = openapi_models.Params(
        action="AssumeRole",
        version="2015-04-01",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = openapi_models.OpenApiRequest(
        query={
            "RoleArn": "acs:ram::5000000000000001:role/ackguard-auditor",
            "RoleSessionName": "fidelity",
            "DurationSeconds": "900",
        }
    )
    response = sts.call_api(params, request, util_models.RuntimeOptions())
    credentials = response["body"]["Credentials"]
    assert credentials["AccessKeyId"].startswith("STS.")
    cs = client(
        emulator,
        key=credentials["AccessKeyId"],
        secret=credentials["AccessKeySecret"],
        token=credentials["SecurityToken"],
    )
    listing = cs.describe_clusters_v1(cs_models.DescribeClustersV1Request(page_size=2))
    assert listing.body.page_info.total_count == 30
    forged = client(
        emulator, key=credentials["AccessKeyId"], secret=credentials["AccessKeySecret"], token="CAISwrong"
    )
    with pytest.raises(Exception) as raised:
        forged.describe_clusters_v1(cs_models.DescribeClustersV1Request())
    assert raised.value.code.startswith("InvalidSecurityToken")
