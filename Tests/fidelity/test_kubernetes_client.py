"""Fidelity check: the official Kubernetes Python client against ackguard-emulator's per-cluster Kubernetes API.

The kubeconfig comes from the emulator's CS API (DescribeClusterUserKubeconfig, `GET /k8s/<id>/user_config`),
fetched with the official Alibaba Cloud SDK (alibabacloud-cs20151215) signed with the demo key. The `kubernetes`
client (written by the Kubernetes project, not by this one) then loads that kubeconfig, does TLS with the inline CA
and client certificate, reads and patches `kube-system/eni-config`, pages lists with limit/continue, restarts the
terway-eniip DaemonSet and decodes the API's Status errors — so a shape, TLS or semantics mismatch fails here.

Run:
    python3 -m venv /tmp/venv-fid
    /tmp/venv-fid/bin/pip install kubernetes alibabacloud-cs20151215 pytest
    swift build --product ackguard-emulator
    /tmp/venv-fid/bin/python -m pytest -q Tests/fidelity/test_kubernetes_client.py

The emulator binary is $ACKGUARD_EMULATOR, default .build/debug/ackguard-emulator (relative to the repository).
"""

import datetime
import json
import os
import pathlib
import subprocess

import pytest
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CSClient
from alibabacloud_tea_openapi import models as openapi_models
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DEMO_KEY = "ackguard-demo-key"
DEMO_SECRET = "ackguard-demo-secret"
FLEET_ARGUMENTS = ["--clusters", "24", "--seed", "7"]
KUBERNETES_FAULTS = {"kubernetes-refuses", "kubernetes-forbidden", "kubernetes-unauthorized"}


def emulator_binary():
    path = pathlib.Path(os.environ.get("ACKGUARD_EMULATOR", ".build/debug/ackguard-emulator"))
    if not path.is_absolute():
        path = REPOSITORY / path
    assert path.exists(), f"emulator binary not found at {path} (build it or set ACKGUARD_EMULATOR)"
    return path


def fleet():
    """(id, situations) of every generated cluster, from `--list-fleet`."""
    listing = subprocess.run(
        [str(emulator_binary()), "--list-fleet", *FLEET_ARGUMENTS], capture_output=True, text=True, check=True
    )
    rows = []
    for line in listing.stdout.splitlines():
        fields = line.split("\t")
        rows.append((fields[0], set(filter(None, fields[5].split(",")))))
    return rows


def cluster_showing(situation):
    for cluster_id, situations in fleet():
        if situation in situations and not situations & KUBERNETES_FAULTS:
            return cluster_id
    raise AssertionError(f"no cluster shows {situation} with a working Kubernetes API")


@pytest.fixture(scope="module")
def emulator():
    process = subprocess.Popen(
        [str(emulator_binary()), "--port", "0", *FLEET_ARGUMENTS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), f"unexpected first line: {first!r}"
        yield "127.0.0.1:" + first.rsplit(":", 1)[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kubeconfig_for(endpoint, cluster_id):
    config = openapi_models.Config(
        access_key_id=DEMO_KEY,
        access_key_secret=DEMO_SECRET,
        endpoint=endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    response = CSClient(config).describe_cluster_user_kubeconfig(
        cluster_id, cs_models.DescribeClusterUserKubeconfigRequest(temporary_duration_minutes=60)
    )
    assert response.status_code == 200
    assert response.body.expiration
    return response.body.config


def api_client(endpoint, cluster_id, tmp_path, edit=None):
    text = kubeconfig_for(endpoint, cluster_id)
    if edit:
        text = edit(text)
    path = tmp_path / f"kubeconfig-{cluster_id}"
    path.write_text(text)
    configuration = k8s.Configuration()
    k8s_config.load_kube_config(config_file=str(path), client_configuration=configuration)
    assert configuration.verify_ssl, "the emulator's kubeconfig must not turn verification off"
    assert configuration.host.startswith("https://127.0.0.1:") and "/clusters/c" in configuration.host
    return k8s.ApiClient(configuration)


def test_reads_and_patches_eni_config_leaving_other_keys_unchanged(emulator, tmp_path):
    cluster_id = cluster_showing("configmap-true")
    with api_client(emulator, cluster_id, tmp_path) as api:
        core = k8s.CoreV1Api(api)
        before = core.read_namespaced_config_map("eni-config", "kube-system")
        assert before.kind == "ConfigMap"
        assert before.data["disable_network_policy"] == "true"
        others = {key: value for key, value in before.data.items() if key != "disable_network_policy"}
        assert others, "eni-config should carry more keys than the switch"

        # The client picks application/strategic-merge-patch+json for a dict body.
        patched = core.patch_namespaced_config_map(
            "eni-config", "kube-system", {"data": {"disable_network_policy": "false"}}
        )
        assert patched.data["disable_network_policy"] == "false"
        assert patched.metadata.resource_version != before.metadata.resource_version
        assert patched.metadata.uid == before.metadata.uid

        after = core.read_namespaced_config_map("eni-config", "kube-system")
        assert after.data["disable_network_policy"] == "false"
        assert {key: value for key, value in after.data.items() if key != "disable_network_policy"} == others

        # An explicit JSON merge patch: null deletes one key, the others stay.
        victim = sorted(others)[0]
        merged = core.patch_namespaced_config_map(
            "eni-config",
            "kube-system",
            {"data": {victim: None}},
            _content_type="application/merge-patch+json",
        )
        assert victim not in merged.data
        assert {key: merged.data[key] for key in others if key != victim} == {
            key: value for key, value in others.items() if key != victim
        }


def test_stale_resource_version_is_a_conflict(emulator, tmp_path):
    cluster_id = cluster_showing("configmap-false")
    with api_client(emulator, cluster_id, tmp_path) as api:
        core = k8s.CoreV1Api(api)
        original = core.read_namespaced_config_map("eni-config", "kube-system")
        core.patch_namespaced_config_map("eni-config", "kube-system", {"data": {"touched": "yes"}})
        with pytest.raises(ApiException) as raised:
            core.replace_namespaced_config_map("eni-config", "kube-system", original)
        assert raised.value.status == 409
        status = json.loads(raised.value.body)
        assert status["kind"] == "Status" and status["reason"] == "Conflict"
        assert status["details"] == {"name": "eni-config", "kind": "configmaps"}

        fresh = core.read_namespaced_config_map("eni-config", "kube-system")
        fresh.data["touched"] = "again"
        replaced = core.replace_namespaced_config_map("eni-config", "kube-system", fresh)
        assert replaced.data["touched"] == "again"


def test_not_found_is_the_api_servers_status(emulator, tmp_path):
    cluster_id = cluster_showing("configmap-missing")
    with api_client(emulator, cluster_id, tmp_path) as api:
        with pytest.raises(ApiException) as raised:
            k8s.CoreV1Api(api).read_namespaced_config_map("eni-config", "kube-system")
        assert raised.value.status == 404
        assert json.loads(raised.value.body) == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'configmaps "eni-config" not found',
            "reason": "NotFound",
            "details": {"name": "eni-config", "kind": "configmaps"},
            "code": 404,
        }


def test_lists_page_with_limit_and_continue(emulator, tmp_path):
    cluster_id = cluster_showing("configmap-true")
    with api_client(emulator, cluster_id, tmp_path) as api:
        core = k8s.CoreV1Api(api)
        everything = core.list_namespace()
        names = [item.metadata.name for item in everything.items]
        assert "kube-system" in names and len(names) >= 3
        paged, token, pages = [], None, 0
        while True:
            page = core.list_namespace(limit=2, _continue=token) if token else core.list_namespace(limit=2)
            pages += 1
            paged += [item.metadata.name for item in page.items]
            token = page.metadata._continue
            if not token:
                break
        assert paged == names
        assert pages == (len(names) + 1) // 2
        pods = core.list_pod_for_all_namespaces(limit=500)
        assert pods.kind == "PodList"
        nodes = core.list_node()
        assert nodes.items and all(node.metadata.labels for node in nodes.items)
        policies = k8s.NetworkingV1Api(api).list_network_policy_for_all_namespaces()
        assert policies.kind == "NetworkPolicyList"


def test_rollout_restart_of_terway_completes(emulator, tmp_path):
    cluster_id = cluster_showing("configmap-true")
    with api_client(emulator, cluster_id, tmp_path) as api:
        apps = k8s.AppsV1Api(api)
        before = apps.read_namespaced_daemon_set("terway-eniip", "kube-system")
        stamp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        apps.patch_namespaced_daemon_set(
            "terway-eniip",
            "kube-system",
            {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}}},
        )
        after = apps.read_namespaced_daemon_set("terway-eniip", "kube-system")
        assert after.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] == stamp
        assert after.metadata.generation == before.metadata.generation + 1
        assert after.status.observed_generation == after.metadata.generation
        assert after.status.updated_number_scheduled == after.status.desired_number_scheduled
        assert after.status.number_available == after.status.desired_number_scheduled
        assert [c.name for c in after.spec.template.spec.containers] == [
            c.name for c in before.spec.template.spec.containers
        ]


def test_a_kubeconfig_only_opens_its_own_cluster(emulator, tmp_path):
    own = cluster_showing("configmap-true")
    other = cluster_showing("configmap-false")
    with api_client(emulator, own, tmp_path, edit=lambda text: text.replace(own, other)) as api:
        with pytest.raises(ApiException) as raised:
            k8s.CoreV1Api(api).read_namespaced_config_map("eni-config", "kube-system")
        assert raised.value.status == 401
        assert json.loads(raised.value.body)["reason"] == "Unauthorized"
