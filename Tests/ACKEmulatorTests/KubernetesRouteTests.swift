import Testing

@testable import ACKEmulator

@Suite("Kubernetes API paths")
struct KubernetesRouteTests {
    @Test(
        "paths map to a cluster and a resource",
        arguments: [
            (
                "/clusters/c1/api/v1/namespaces/kube-system/configmaps/eni-config", "configmaps", "kube-system",
                "eni-config"
            ),
            ("/clusters/c1/api/v1/namespaces/kube-system/configmaps", "configmaps", "kube-system", nil),
            ("/clusters/c1/api/v1/namespaces", "namespaces", nil, nil),
            ("/clusters/c1/api/v1/namespaces/default", "namespaces", nil, "default"),
            ("/clusters/c1/api/v1/nodes", "nodes", nil, nil),
            ("/clusters/c1/api/v1/pods", "pods", nil, nil),
            ("/clusters/c1/api/v1/namespaces/web/pods", "pods", "web", nil),
            ("/clusters/c1/apis/networking.k8s.io/v1/networkpolicies", "networkpolicies", nil, nil),
            ("/clusters/c1/apis/networking.k8s.io/v1/namespaces/web/networkpolicies", "networkpolicies", "web", nil),
            (
                "/clusters/c1/apis/apps/v1/namespaces/kube-system/daemonsets/terway-eniip", "daemonsets", "kube-system",
                "terway-eniip"
            ),
        ] as [(String, String, String?, String?)])
    func known(path: String, resource: String, namespace: String?, name: String?) throws {
        let route = try #require(KubernetesRoute(path: path))
        #expect(route.clusterId == "c1")
        #expect(route.recordName == resource)
        switch route.target {
        case .collection(let type, let routeNamespace):
            #expect(type.resource == resource && routeNamespace == namespace && name == nil)
        case .object(let type, let routeNamespace, let routeName):
            #expect(type.resource == resource && routeNamespace == namespace && routeName == name)
        default:
            Issue.record("unexpected target for \(path)")
        }
    }

    @Test(
        "other paths are not served",
        arguments: [
            "/clusters/c1/api/v1/daemonsets", "/clusters/c1/apis/apps/v1/nodes", "/clusters/c1/api/v1/pods/x",
            "/clusters/c1/api/v1/namespaces/a/configmaps/b/status", "/clusters/c1/api/v2/nodes", "/clusters/c1/",
        ])
    func unknown(path: String) throws {
        let route = try #require(KubernetesRoute(path: path))
        #expect(route.target == nil)
    }

    @Test("a path outside /clusters/<id> has no route")
    func outside() {
        #expect(KubernetesRoute(path: "/api/v1/nodes") == nil)
        #expect(KubernetesRoute(path: "/clusters/") == nil)
    }
}
