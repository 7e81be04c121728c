#!/usr/bin/env python3
"""Writes the saved-evidence test corpus (Tests/Corpus) and the example fleet (Examples/saved-fleet).

Each corpus folder is one situation of RULE.md; `expected.json` says what ackguard must answer.
Run from the repository root: python3 scripts/make_corpus.py
"""
import json, os, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Corpus")
EXAMPLE = os.path.join(ROOT, "Examples", "saved-fleet")


def meta(addons=None, network=None, extra=None):
    m = {"Addons": addons or [], "KubernetesVersion": "1.30.1-aliyun.1", "IPStack": "ipv4"}
    if network:
        m["Capabilities"] = {"Network": network, "NodeCIDRMask": "26"}
    if extra:
        m.update(extra)
    return json.dumps(m, separators=(",", ":"))


def eniip(policy=None, version="v1.9.4"):
    cfg = {"ENITrunking": "false", "IPVlan": "false"}
    if policy is not None:
        cfg["NetworkPolicy"] = policy
    return {"name": "terway-eniip", "version": version, "config": json.dumps(cfg, separators=(",", ":"))}


def cluster(cid, name, region, addons=None, network=None, ctype="ManagedKubernetes", profile="Default",
            state="running", size=3, meta_data=None, **extra):
    c = {
        "cluster_id": cid, "name": name, "region_id": region, "cluster_type": ctype, "profile": profile,
        "state": state, "current_version": "1.30.1-aliyun.1", "size": size, "cluster_spec": "ack.pro.small",
        "vpc_id": "vpc-" + cid[:10], "vswitch_ids": ["vsw-" + cid[:10]], "zone_id": region + "-a",
        "tags": [{"key": "env", "value": name.split("-")[0]}],
        "meta_data": meta_data if meta_data is not None else meta(addons, network),
    }
    c.update(extra)
    return c


def page(clusters, number=1, size=None, total=None):
    return {"clusters": clusters, "page_info": {"page_number": number, "page_size": size or max(len(clusters), 10),
                                                 "total_count": total if total is not None else len(clusters)}}


def configmap(value="__absent__", conf=None, data=True):
    d = {"eni_conf": json.dumps({"version": "1", "max_pool_size": 5, "min_pool_size": 0}),
         "in_cluster_loadbalance": "true"}
    if conf is not None:
        d["10-terway.conf"] = json.dumps(conf)
    if value != "__absent__":
        d["disable_network_policy"] = value
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "eni-config", "namespace": "kube-system", "resourceVersion": "4711"}}
    if data:
        cm["data"] = d
    return cm


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": {}, "code": code}


def node(name, exclusive=False):
    labels = {"kubernetes.io/hostname": name}
    if exclusive:
        labels["k8s.aliyun.com/exclusive-mode-eni-type"] = "eniOnly"
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}}


def lst(kind, items):
    return {"apiVersion": "v1", "kind": kind + "List", "metadata": {"resourceVersion": "1"}, "items": items}


def ns(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def policy(namespace, name, selector=None, types=None, egress=None):
    spec = {"podSelector": selector if selector is not None else {}}
    if types is not None:
        spec["policyTypes"] = types
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def pod(namespace, name, labels=None, host=False):
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
         "spec": {"containers": [{"name": "app", "image": "nginx"}]}, "status": {"phase": "Running"}}
    if host:
        p["spec"]["hostNetwork"] = True
    return p


class Folder:
    def __init__(self, base, name):
        self.path = os.path.join(base, name)
        if os.path.exists(self.path):
            shutil.rmtree(self.path)
        os.makedirs(self.path)

    def write(self, rel, obj, raw=None):
        self.note_regions(obj)
        full = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            if raw is not None:
                f.write(raw)
            else:
                json.dump(obj, f, indent=2, sort_keys=True)
                f.write("\n")

    def note_regions(self, obj):
        if isinstance(obj, list):
            for item in obj:
                self.note_regions(item)
        elif isinstance(obj, dict):
            if "cluster_id" in obj and "region_id" in obj:
                self.regions = getattr(self, "regions", {})
                self.regions[obj["cluster_id"]] = obj["region_id"]
            for item in obj.get("clusters") or []:
                self.note_regions(item)

    def k8s(self, cid, **files):
        for key, obj in files.items():
            self.write(f"kubernetes/{cid}/{key.replace('_', '-')}.json", obj)

    def expect(self, findings, exit_code, args=None, error=None):
        e = {"args": args or [], "exitCode": exit_code}
        if error:
            e["errorContains"] = error
        else:
            regions = getattr(self, "regions", {})
            findings = sorted(findings, key=lambda f: (f[0], regions.get(f[1], ""), f[1]))
            e["findings"] = [
                {"rule": f[0], "clusterId": f[1], "status": f[2], "reason": f[3], "warnings": sorted(f[4] if len(f) > 4 else [])}
                for f in findings]
        self.write("expected.json", e)


R1 = "ack-network-policy-support"
R2 = "ack-network-policy-coverage"


def corpus():
    # The seed article's own CLI output: `aliyun cs GET /clusters`, two Flannel clusters (parameters.Network).
    f = Folder(CORPUS, "seed-cli-get-clusters")
    seed = [
        {"cluster_id": "abcd1234abcd1234abcd1234abcd1234a", "cluster_spec": "ack.standard", "cluster_type": "ManagedKubernetes",
         "created": "2024-02-05T17:44:26+08:00", "current_version": "1.28.3-aliyun.1", "deletion_protection": False,
         "init_version": "1.28.3-aliyun.1",
         "parameters": {"ALIYUN::AccountId": "1234567890123456", "ALIYUN::NoValue": "None", "ALIYUN::Region": "eu-west-1",
                        "ALIYUN::TenantId": "1234567890123456", "ClusterId": "abcd1234abcd1234abcd1234abcd1234a",
                        "ContainerCIDR": "", "KubernetesVersion": "1.28.3-aliyun.1", "Network": "Flannel",
                        "ProxyMode": "ipvs", "ServiceCIDR": "192.168.0.0/16", "Password": "******"},
         "profile": "Default", "region_id": "eu-west-1", "size": 1, "state": "running",
         "updated": "2024-02-05T17:46:49+08:00", "zone_id": "eu-west-1a"},
        {"cluster_id": "1234abcd1234abcd1234abcd1234abcd1", "cluster_spec": "ack.standard", "cluster_type": "ManagedKubernetes",
         "created": "2024-02-05T16:40:31+08:00", "current_version": "1.28.3-aliyun.1", "deletion_protection": False,
         "init_version": "1.28.3-aliyun.1",
         "parameters": {"ALIYUN::AccountId": "1234567890123456", "ALIYUN::Region": "eu-west-1",
                        "ALIYUN::StackName": "k8s-for-cs-1234abcd1234abcd1234abcd1234abcd1",
                        "ClusterId": "1234abcd1234abcd1234abcd1234abcd1", "ContainerCIDR": "10.65.0.0/16",
                        "Network": "Flannel", "PodVswitchIds": "[]", "ServiceCIDR": "10.0.0.0/16"},
         "profile": "Default", "region_id": "eu-west-1", "size": 1, "state": "running", "subnet_cidr": "10.65.0.0/16",
         "updated": "2024-02-05T16:42:53+08:00", "zone_id": "eu-west-1a"},
    ]
    f.write("clusters.json", seed)
    f.expect([(R1, "1234abcd1234abcd1234abcd1234abcd1", "FAIL", "plugin-flannel"),
              (R1, "abcd1234abcd1234abcd1234abcd1234a", "FAIL", "plugin-flannel")], 1)

    # The seed's meta_data (`GET /clusters/<id>` --output cols=meta_data): terway-eniip with NetworkPolicy "false".
    f = Folder(CORPUS, "seed-meta-data-terway-policy-false")
    seed_meta = {"Addons": [{"name": "nginx-ingress-controller", "disabled": True},
                            {"name": "terway-eniip", "version": "v1.6.3",
                             "config": "{\"ENITrunking\":\"false\",\"IPVlan\":\"false\",\"NetworkPolicy\":\"false\"}"},
                            {"name": "managed-kube-proxy", "version": "v1.28.3-aliyun.1"},
                            {"name": "csi-plugin", "version": "v1.28.3-eb95171-aliyun"}],
                 "EtcdVersion": "v3.5.9", "IPStack": "ipv4", "KubernetesVersion": "1.28.3-aliyun.1",
                 "RRSAConfig": {"enabled": False}, "Runtime": "containerd"}
    c = cluster("c0seedterway0000000000000000000a", "seed-terway", "eu-west-1", meta_data=json.dumps(seed_meta))
    f.write("clusters.json", page([c]))
    f.expect([(R1, c["cluster_id"], "FAIL", "addon-policy-disabled")], 1)

    # Rows 1-3: not applicable.
    f = Folder(CORPUS, "rows-1-3-not-applicable")
    cs = [cluster("c1deleting", "old-a", "cn-hangzhou", [eniip("false")], state="deleting"),
          cluster("c1deleted", "old-b", "cn-hangzhou", [{"name": "flannel"}], state="deleted"),
          cluster("c1deletefailed", "old-c", "cn-hangzhou", [], state="delete_failed"),
          cluster("c2registered", "idc", "cn-beijing", [], ctype="ExternalKubernetes", profile=""),
          cluster("c3serverless", "ask-new", "cn-shanghai", [], profile="Serverless"),
          cluster("c3ask", "ask-old", "cn-shanghai", [], ctype="Ask", profile="")]
    f.write("clusters.json", page(cs))
    f.expect([(R1, "c1deleted", "NOT_APPLICABLE", "cluster-deleted"),
              (R1, "c1deletefailed", "NOT_APPLICABLE", "cluster-deleted"),
              (R1, "c1deleting", "NOT_APPLICABLE", "cluster-deleted"),
              (R1, "c2registered", "NOT_APPLICABLE", "registered-cluster"),
              (R1, "c3ask", "NOT_APPLICABLE", "serverless-cluster"),
              (R1, "c3serverless", "NOT_APPLICABLE", "serverless-cluster")], 0)

    # Row 4: no plug-in identifiable.
    f = Folder(CORPUS, "row-4-plugin-unknown")
    cs = [cluster("c4noaddons", "bare", "cn-hangzhou", [{"name": "csi-plugin"}]),
          cluster("c4nometa", "nometa", "cn-hangzhou", meta_data=""),
          cluster("c4badmeta", "badmeta", "cn-hangzhou", meta_data="{not json"),
          cluster("c4controlplaneonly", "cp", "cn-hangzhou", [{"name": "terway-controlplane"}])]
    f.write("clusters.json", page(cs))
    f.expect([(R1, c["cluster_id"], "UNKNOWN", "plugin-unknown") for c in sorted(cs, key=lambda c: c["cluster_id"])], 3)

    # Row 5: Flannel, whichever field says it.
    f = Folder(CORPUS, "row-5-flannel")
    cs = [cluster("c5addon", "a", "cn-hangzhou", [{"name": "flannel", "config": ""}]),
          cluster("c5ds", "b", "cn-hangzhou", [{"name": "kube-flannel-ds", "version": "v0.15.1.22"}]),
          cluster("c5capability", "c", "cn-hangzhou", [], network="Flannel"),
          cluster("c5params", "d", "cn-hangzhou", meta_data="", parameters={"Network": "Flannel"})]
    f.write("clusters.json", page(cs))
    f.expect([(R1, c["cluster_id"], "FAIL", "plugin-flannel") for c in sorted(cs, key=lambda c: c["cluster_id"])], 1)

    # Row 6: Terway without shared ENI.
    f = Folder(CORPUS, "row-6-terway-exclusive-eni")
    cs = [cluster("c6eni", "a", "cn-hangzhou", [{"name": "terway-eni", "version": "v1.2.0"}]),
          cluster("c6legacy", "b", "cn-hangzhou", [{"name": "terway", "version": "v1.0.10"}]),
          cluster("c6apisaysnoeniip", "c", "cn-hangzhou", [eniip("true"), {"name": "terway-eni"}])]
    f.write("clusters.json", page(cs))
    f.write("addons/c6apisaysnoeniip/terway-eniip.json", {"code": "AddonNotFound", "message": "addon terway-eniip not found",
                                                          "requestId": "R-1", "status": 404})
    f.expect([(R1, "c6apisaysnoeniip", "FAIL", "plugin-terway-exclusive-eni"),
              (R1, "c6eni", "FAIL", "plugin-terway-exclusive-eni"),
              (R1, "c6legacy", "FAIL", "plugin-terway-exclusive-eni")], 1)

    # Row 7: eni-config disables policy (every class of "other" value); Terway's parsing, no trimming or folding.
    f = Folder(CORPUS, "row-7-configmap-disabled")
    values = {"c7true": "true", "c7True": "True", "c7one": "1", "c7yes": "yes", "c7spacefalse": " false",
              "c7False": "False", "c7no": "no", "c7FALSE": "FALSE", "c7zerozero": "00", "c7falsenl": "false\n"}
    cs = []
    for cid, v in values.items():
        cs.append(cluster(cid, cid, "cn-hangzhou", [eniip("true")]))
        f.k8s(cid, eni_config=configmap(v))
    f.write("clusters.json", page(cs))
    f.expect([(R1, cid, "FAIL", "configmap-policy-disabled") for cid in sorted(values)], 1)

    # Row 8: eni-config enables policy; drift when the add-on config says "false".
    f = Folder(CORPUS, "row-8-configmap-enabled")
    cases = {"c8absent": ("__absent__", "true"), "c8empty": ("", "true"), "c8false": ("false", "true"),
             "c8zero": ("0", None), "c8drift": ("false", "false")}
    cs = []
    for cid, (v, pol) in cases.items():
        cs.append(cluster(cid, cid, "cn-hangzhou", [eniip(pol)]))
        f.k8s(cid, eni_config=configmap(v))
    cs.append(cluster("c8nodata", "nodata", "cn-hangzhou", [eniip(None)]))
    f.k8s("c8nodata", eni_config=configmap(data=False))
    f.write("clusters.json", page(cs))
    f.expect([(R1, "c8absent", "PASS", "configmap-policy-enabled"),
              (R1, "c8drift", "PASS", "configmap-policy-enabled", ["addon-config-drift"]),
              (R1, "c8empty", "PASS", "configmap-policy-enabled"),
              (R1, "c8false", "PASS", "configmap-policy-enabled"),
              (R1, "c8nodata", "PASS", "configmap-policy-enabled"),
              (R1, "c8zero", "PASS", "configmap-policy-enabled")], 0)

    # Rows 9-11: no eni-config; the add-on config decides, else UNKNOWN.
    f = Folder(CORPUS, "rows-9-11-addon-config")
    cs = [cluster("c9false", "a", "cn-hangzhou", [eniip("false")]),
          cluster("c10true", "b", "cn-hangzhou", [eniip("true")]),
          cluster("c11nokey", "c", "cn-hangzhou", [eniip(None)]),
          cluster("c11emptyconfig", "d", "cn-hangzhou", [{"name": "terway-eniip", "config": ""}]),
          cluster("c11bool", "e", "cn-hangzhou", [{"name": "terway-eniip", "config": "{\"NetworkPolicy\":true}"}]),
          cluster("c11paramsonly", "f", "cn-hangzhou", meta_data="", parameters={"Network": "terway-eniip"}),
          cluster("c11apifailed", "g", "cn-hangzhou", [eniip("true")]),
          cluster("c9apibeatsmeta", "h", "cn-hangzhou", [eniip("true")]),
          cluster("c10apideprecated", "i", "cn-hangzhou", [eniip(None)])]
    f.write("clusters.json", page(cs))
    f.write("addons/c11apifailed/terway-eniip.json", {"Code": "InternalError", "Message": "The request processing has failed due to some unknown error.", "RequestId": "R-2"})
    f.write("addons/c9apibeatsmeta/terway-eniip.json", {"name": "terway-eniip", "version": "v1.9.4", "state": "active",
                                                       "config": "{\"NetworkPolicy\":\"false\"}"})
    f.write("addons/c10apideprecated/terway-eniip.yaml", None,
            raw="name: terway-eniip\nversion: v1.9.4\nstate: active\nconfig: '{\"NetworkPolicy\":\"true\"}'\n")
    f.expect([(R1, "c10apideprecated", "PASS", "addon-policy-enabled", ["configmap-not-verified"]),
              (R1, "c10true", "PASS", "addon-policy-enabled", ["configmap-not-verified"]),
              (R1, "c11apifailed", "UNKNOWN", "policy-state-unknown"),
              (R1, "c11bool", "UNKNOWN", "policy-state-unknown"),
              (R1, "c11emptyconfig", "UNKNOWN", "policy-state-unknown"),
              (R1, "c11nokey", "UNKNOWN", "policy-state-unknown"),
              (R1, "c11paramsonly", "UNKNOWN", "policy-state-unknown"),
              (R1, "c9apibeatsmeta", "FAIL", "addon-policy-disabled"),
              (R1, "c9false", "FAIL", "addon-policy-disabled")], 1)

    # eni-config missing (404) and unreadable (403, 401, 500).
    f = Folder(CORPUS, "configmap-missing-and-unreadable")
    cs = [cluster("cmmissing", "a", "cn-hangzhou", [eniip("true")]),
          cluster("cmmissingfalse", "b", "cn-hangzhou", [eniip("false")]),
          cluster("cmforbidden", "c", "cn-hangzhou", [eniip("true")]),
          cluster("cmunauthorized", "d", "cn-hangzhou", [eniip("false")]),
          cluster("cmservererror", "e", "cn-hangzhou", [eniip(None)])]
    f.write("clusters.json", page(cs))
    f.k8s("cmmissing", eni_config=status(404, "NotFound", "configmaps \"eni-config\" not found"))
    f.k8s("cmmissingfalse", eni_config=status(404, "NotFound", "configmaps \"eni-config\" not found"))
    f.k8s("cmforbidden", eni_config=status(403, "Forbidden", "configmaps \"eni-config\" is forbidden: User \"2xxx\" cannot get resource \"configmaps\" in the namespace \"kube-system\""))
    f.k8s("cmunauthorized", eni_config=status(401, "Unauthorized", "Unauthorized"))
    f.k8s("cmservererror", eni_config=status(500, "InternalError", "etcd timeout"))
    f.expect([(R1, "cmforbidden", "PASS", "addon-policy-enabled", ["configmap-unreadable", "configmap-not-verified"]),
              (R1, "cmmissing", "UNKNOWN", "configmap-missing"),
              (R1, "cmmissingfalse", "UNKNOWN", "configmap-missing"),
              (R1, "cmservererror", "UNKNOWN", "policy-state-unknown", ["configmap-unreadable"]),
              (R1, "cmunauthorized", "FAIL", "addon-policy-disabled", ["configmap-unreadable"])], 1)

    # Nodes: exclusive-ENI nodes and large Felix clusters.
    f = Folder(CORPUS, "nodes-warnings")
    veth = {"cniVersion": "0.4.0", "name": "terway", "eniip_virtual_type": "veth", "type": "terway"}
    dpv2 = {"cniVersion": "0.4.0", "name": "terway", "eniip_virtual_type": "datapathv2", "type": "terway"}
    cs = [cluster("cnexclusive", "a", "cn-hangzhou", [eniip("true")]),
          cluster("cnfelixlarge", "b", "cn-hangzhou", [eniip("true")], size=101),
          cluster("cnebpflarge", "c", "cn-hangzhou", [eniip("true")], size=150),
          cluster("cnfelixsmall", "d", "cn-hangzhou", [eniip("true")], size=100)]
    f.write("clusters.json", page(cs))
    f.k8s("cnexclusive", eni_config=configmap("false", veth),
          nodes=lst("Node", [node("n1"), node("n2", True), node("n3", True)]))
    f.k8s("cnfelixlarge", eni_config=configmap("true", veth), nodes=lst("Node", [node(f"n{i}") for i in range(101)]))
    f.k8s("cnebpflarge", eni_config=configmap("false", dpv2), nodes=lst("Node", [node(f"n{i}") for i in range(150)]))
    f.k8s("cnfelixsmall", eni_config=configmap("false", veth), nodes=lst("Node", [node(f"n{i}") for i in range(100)]))
    f.expect([(R1, "cnebpflarge", "PASS", "configmap-policy-enabled"),
              (R1, "cnexclusive", "PASS", "configmap-policy-enabled", ["exclusive-eni-nodes"]),
              (R1, "cnfelixlarge", "FAIL", "configmap-policy-disabled", ["large-cluster-felix"]),
              (R1, "cnfelixsmall", "PASS", "configmap-policy-enabled")], 1)

    # --strict: every warning fails its finding.
    f = Folder(CORPUS, "strict-warnings")
    cs = [cluster("csdrift", "a", "cn-hangzhou", [eniip("false")]),
          cluster("csclean", "b", "cn-hangzhou", [eniip("true")])]
    f.write("clusters.json", page(cs))
    f.k8s("csdrift", eni_config=configmap("false"))
    f.k8s("csclean", eni_config=configmap("false"))
    f.expect([(R1, "csclean", "PASS", "configmap-policy-enabled"),
              (R1, "csdrift", "FAIL", "configmap-policy-enabled", ["addon-config-drift"])], 1, args=["--strict"])

    # Multi-page listing as an array of DescribeClustersV1 pages, duplicates de-duplicated, plus a detail file.
    f = Folder(CORPUS, "multi-page-listing")
    p1 = page([cluster("cmp1", "a", "cn-hangzhou", [{"name": "flannel"}]),
               cluster("cmp2", "b", "cn-shanghai", [eniip("true")])], 1, 2, 3)
    p2 = page([cluster("cmp3", "c", "cn-beijing", [eniip("false")]),
               cluster("cmp2", "b", "cn-shanghai", [eniip("true")])], 2, 2, 3)
    f.write("clusters.json", [p1, p2])
    detail = cluster("cmp3", "c", "cn-beijing", [eniip("false")])
    detail["parameters"] = {"Network": "terway-eniip", "ALIYUN::AccountId": "1234567890123456"}
    f.write("clusters/cmp3.json", detail)
    f.write("notes.txt", None, raw="unknown files are ignored\n")
    f.expect([(R1, "cmp3", "FAIL", "addon-policy-disabled"),
              (R1, "cmp1", "FAIL", "plugin-flannel"),
              (R1, "cmp2", "PASS", "addon-policy-enabled", ["configmap-not-verified"])], 1)

    # YAML everywhere, meta_data as an object, unquoted scalars in ConfigMap data.
    f = Folder(CORPUS, "yaml-input")
    f.write("clusters.yaml", None, raw="""clusters:
- cluster_id: cyaml1
  name: yaml-one
  region_id: cn-hangzhou
  cluster_type: ManagedKubernetes
  profile: Default
  state: running
  meta_data:
    Addons:
    - name: terway-eniip
      config: '{"NetworkPolicy":"false"}'
- cluster_id: cyaml2
  name: yaml-two
  region_id: cn-hangzhou
  cluster_type: ManagedKubernetes
  state: running
  meta_data: '{"Addons":[{"name":"terway-eniip","config":"{\\"NetworkPolicy\\":\\"true\\"}"}]}'
- cluster_id: cyaml3
  name: yaml-three
  region_id: cn-hangzhou
  cluster_type: ManagedKubernetes
  state: running
  meta_data: {Addons: [{name: terway-eniip}]}
page_info: {page_number: 1, page_size: 10, total_count: 3}
""")
    f.write("kubernetes/cyaml1/eni-config.yaml", None, raw="""apiVersion: v1
kind: ConfigMap
metadata:
  name: eni-config
  namespace: kube-system
data:
  disable_network_policy: "false"
""")
    f.write("kubernetes/cyaml2/eni-config.yml", None, raw="""apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config, namespace: kube-system}
data:
  disable_network_policy: no
""")
    f.write("kubernetes/cyaml3/eni-config.yaml", None, raw="""apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config, namespace: kube-system}
data:
  disable_network_policy: False
""")
    f.expect([(R1, "cyaml1", "PASS", "configmap-policy-enabled", ["addon-config-drift"]),
              (R1, "cyaml2", "FAIL", "configmap-policy-disabled"),
              (R1, "cyaml3", "FAIL", "configmap-policy-disabled")], 1)

    # Rule 2, coverage.
    f = Folder(CORPUS, "coverage")
    cs = [cluster("cvcovered", "a", "cn-hangzhou", [eniip("true")]),
          cluster("cvuncovered", "b", "cn-hangzhou", [eniip("true")]),
          cluster("cvflannel", "c", "cn-hangzhou", [{"name": "flannel"}]),
          cluster("cvserverless", "d", "cn-hangzhou", [], profile="Serverless"),
          cluster("cvunreadable", "e", "cn-hangzhou", [eniip("true")]),
          cluster("cvnotcollected", "f", "cn-hangzhou", [eniip("true")])]
    f.write("clusters.json", page(cs))
    nss = lst("Namespace", [ns("default"), ns("shop"), ns("kube-system"), ns("kube-public"), ns("kube-node-lease")])
    f.k8s("cvcovered", eni_config=configmap("false"), namespaces=nss,
          networkpolicies=lst("NetworkPolicy", [policy("default", "deny-all"),
                                                policy("shop", "deny-ingress", {}, ["Ingress"]),
                                                policy("shop", "egress-web", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}, ["Egress"])]),
          pods=lst("Pod", [pod("default", "p1", {"app": "x"}), pod("shop", "web-1", {"tier": "web"}),
                           pod("kube-system", "coredns", {"k8s-app": "kube-dns"})]))
    f.k8s("cvuncovered", eni_config=configmap("false"), namespaces=nss,
          networkpolicies=lst("NetworkPolicy", [policy("default", "only-web", {"matchLabels": {"app": "web"}}),
                                                policy("shop", "egress-only", {}, ["Egress"])]),
          pods=lst("Pod", [pod("default", "web", {"app": "web"}), pod("default", "db", {"app": "db"}),
                           pod("shop", "cart", {"app": "cart"})]))
    f.k8s("cvflannel", namespaces=nss, networkpolicies=lst("NetworkPolicy", [policy("default", "d"), policy("shop", "s")]),
          pods=lst("Pod", []))
    f.k8s("cvunreadable", eni_config=configmap("false"), namespaces=nss,
          networkpolicies=status(403, "Forbidden", "networkpolicies.networking.k8s.io is forbidden"),
          pods=lst("Pod", []))
    f.k8s("cvnotcollected", eni_config=configmap("false"))
    f.expect([(R2, "cvcovered", "PASS", "namespaces-covered"),
              (R2, "cvflannel", "PASS", "namespaces-covered", ["policies-not-enforced"]),
              (R2, "cvnotcollected", "UNKNOWN", "kubernetes-unreadable"),
              (R2, "cvserverless", "NOT_APPLICABLE", "not-applicable"),
              (R2, "cvuncovered", "FAIL", "namespaces-uncovered"),
              (R2, "cvunreadable", "UNKNOWN", "kubernetes-unreadable")], 1, args=["--rule", R2])

    # Coverage with --exclude-namespace and --rule all.
    f = Folder(CORPUS, "coverage-exclude-namespace")
    cs = [cluster("cxa", "a", "cn-hangzhou", [eniip("true")])]
    f.write("clusters.json", page(cs))
    f.k8s("cxa", eni_config=configmap("false"), namespaces=lst("Namespace", [ns("default"), ns("sandbox")]),
          networkpolicies=lst("NetworkPolicy", [policy("default", "deny")]), pods=lst("Pod", [pod("sandbox", "s")]))
    f.expect([(R1, "cxa", "PASS", "configmap-policy-enabled"), (R2, "cxa", "PASS", "namespaces-covered")], 0,
             args=["--rule", "all", "--exclude-namespace", "sandbox"])

    # Broken input: exit 2, the file and the position named, nothing on stdout.
    f = Folder(CORPUS, "broken-json")
    f.write("clusters.json", None, raw='{"clusters": [\n  {"cluster_id": "x",\n   "name": }\n]}\n')
    f.expect([], 2, error="clusters.json:3:12")
    f = Folder(CORPUS, "broken-yaml")
    f.write("clusters.json", page([cluster("cby", "a", "cn-hangzhou", [eniip("true")])]))
    f.write("kubernetes/cby/eni-config.yaml", None, raw="kind: ConfigMap\ndata:\n  disable_network_policy: \"false\n  other: [\n")
    f.expect([], 2, error="eni-config.yaml:")
    f = Folder(CORPUS, "broken-wrong-kind")
    f.write("clusters.json", page([cluster("cbk", "a", "cn-hangzhou", [eniip("true")])]))
    f.k8s("cbk", eni_config={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "eni-config"}})
    f.expect([], 2, error="expected a ConfigMap or a Status")
    f = Folder(CORPUS, "broken-no-listing")
    f.write("readme.txt", None, raw="nothing here\n")
    f.expect([], 2, error="no clusters.json")
    f = Folder(CORPUS, "empty-listing")
    f.write("clusters.json", page([]))
    f.expect([], 0)


def example():
    f = Folder(EXAMPLE, "")
    veth = {"cniVersion": "0.4.0", "name": "terway", "eniip_virtual_type": "veth", "type": "terway"}
    cs = [
        cluster("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a", "prod-web", "cn-hangzhou", [eniip("true"), {"name": "csi-plugin"}], size=12),
        cluster("c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", "prod-api", "cn-shanghai", [eniip("false")], size=8),
        cluster("c9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", "legacy-batch", "eu-west-1", [{"name": "flannel", "config": ""}, {"name": "kube-flannel-ds"}], network="Flannel", size=5),
        cluster("c2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e", "analytics", "ap-southeast-1", [{"name": "terway-eni", "version": "v1.2.9"}], size=6),
        cluster("c3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f", "staging-web", "cn-beijing", [eniip("true")]),
        cluster("c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a", "dev-sandbox", "cn-hangzhou", [eniip("false")]),
        cluster("c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", "payments", "cn-shenzhen", [eniip("false")], size=4),
        cluster("c6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", "ml-train", "us-west-1", [eniip("true")], size=3),
        cluster("c7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "idc-registered", "cn-hangzhou", [], ctype="ExternalKubernetes", profile=""),
        cluster("c8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "events-serverless", "ap-northeast-1", [], profile="Serverless"),
        cluster("c9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "old-reports", "eu-central-1", [{"name": "flannel"}], state="deleting"),
        cluster("cad1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a", "private-core", "cn-shanghai", [eniip(None)]),
        cluster("cbe2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b", "imported-edge", "cn-beijing", [{"name": "csi-plugin"}]),
    ]
    f.write("clusters.json", [page(cs[:7], 1, 7, len(cs)), page(cs[7:], 2, 7, len(cs))])
    nss = lst("Namespace", [ns("default"), ns("shop"), ns("kube-system")])
    f.k8s(cs[0]["cluster_id"], eni_config=configmap("false", veth),
          nodes=lst("Node", [node(f"cn-hangzhou.10.0.0.{i}") for i in range(1, 13)]), namespaces=nss,
          networkpolicies=lst("NetworkPolicy", [policy("default", "default-deny"), policy("shop", "default-deny")]),
          pods=lst("Pod", [pod("default", "web-0", {"app": "web"}), pod("shop", "cart-0", {"app": "cart"})]))
    f.k8s(cs[1]["cluster_id"], eni_config=configmap("true", veth),
          nodes=lst("Node", [node(f"cn-shanghai.10.1.0.{i}") for i in range(1, 9)]), namespaces=nss,
          networkpolicies=lst("NetworkPolicy", [policy("shop", "allow-web", {"matchLabels": {"app": "web"}})]),
          pods=lst("Pod", [pod("default", "api-0", {"app": "api"}), pod("shop", "web-0", {"app": "web"})]))
    f.k8s(cs[6]["cluster_id"], eni_config=configmap("false", veth),
          nodes=lst("Node", [node(f"cn-shenzhen.10.2.0.{i}") for i in range(1, 5)]))
    f.k8s(cs[7]["cluster_id"], eni_config=configmap("0", veth),
          nodes=lst("Node", [node("us-west-1.10.3.0.1"), node("us-west-1.10.3.0.2", True), node("us-west-1.10.3.0.3", True)]))
    f.k8s(cs[11]["cluster_id"], eni_config=status(403, "Forbidden", "configmaps \"eni-config\" is forbidden: User \"27xxxx\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-system\""))
    f.write("addons/" + cs[0]["cluster_id"] + "/terway-eniip.json",
            {"name": "terway-eniip", "version": "v1.9.4", "state": "active", "config": "{\"ENITrunking\":\"false\",\"IPVlan\":\"false\",\"NetworkPolicy\":\"true\"}"})
    f.write("README.md", None, raw="""# Example saved evidence

A small fleet of 13 clusters across 9 regions, in the saved-evidence layout that `ackguard collect` writes and
`ackguard audit --from` reads (see RULE.md). Try:

    swift run ackguard audit --from Examples/saved-fleet
    swift run ackguard audit --from Examples/saved-fleet --rule all --verbose
""")


if __name__ == "__main__":
    corpus()
    example()
    print("corpus and example written")
