import AlibabaCloud
import Audit
import Foundation
import Testing

@Suite("CS models are tolerant")
struct CSModelTests {
    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    @Test func clusterFieldsAreOptionalAndWrongTypesReadAsNil() throws {
        let cluster = try decode(
            CSCluster.self, #"{"cluster_id":42,"size":"x","tags":[{"key":"env","value":"prod"}],"unknown":{"a":[1]}}"#)
        #expect(cluster.clusterId == "42")
        #expect(cluster.size == nil)
        #expect(cluster.name == nil)
        #expect(cluster.metaData == nil)
        #expect(cluster.metaDataAddons.isEmpty)
        #expect(cluster.tags == [CSTag(key: "env", value: "prod")])
        #expect(cluster.json["unknown"]?["a"]?[0] == 1)
        let empty = try decode(CSCluster.self, "{}")
        #expect(empty.clusterId == nil && empty.vswitchIds == nil && empty.deletionProtection == nil)
    }

    @Test func metaDataAsStringObjectOrGarbage() throws {
        let asString = try decode(
            CSCluster.self,
            #"{"meta_data":"{\"Addons\":[{\"name\":\"flannel\",\"disabled\":\"false\"}],"#
                + #"\"Capabilities\":{\"Network\":\"Flannel\"}}"}"#
        )
        #expect(asString.metaDataAddons.map(\.name) == ["flannel"])
        #expect(asString.metaDataAddons.first?.disabled == false)
        #expect(asString.capabilities?["Network"] == "Flannel")
        let asObject = try decode(CSCluster.self, #"{"meta_data":{"Addons":[{"name":"terway-eniip","config":"{}"}]}}"#)
        #expect(asObject.metaDataAddons.first?.configValues == [:])
        let garbage = try decode(CSCluster.self, #"{"meta_data":"not json"}"#)
        #expect(garbage.metaData == nil)
        #expect(garbage.json["meta_data"] == "not json")
    }

    @Test func encodingKeepsEveryField() throws {
        let text = #"{"cluster_id":"c1","meta_data":"{\"x\":1}","vswitch_ids":["vsw-1","vsw-2"],"zzz":null}"#
        let cluster = try decode(CSCluster.self, text)
        #expect(cluster.vswitchIds == ["vsw-1", "vsw-2"])
        let again = try decode(CSCluster.self, String(decoding: try JSONEncoder().encode(cluster), as: UTF8.self))
        #expect(again == cluster)
        #expect(again.json["zzz"] == .null)
    }

    @Test func pageRegionAddonAndKubeconfig() throws {
        let page = try decode(
            CSClusterPage.self, #"{"clusters":[{"cluster_id":"a"},"junk"],"page_info":{"total_count":"9"}}"#)
        #expect(page.clusters.map(\.clusterId) == ["a"])
        #expect(page.pageInfo?.totalCount == 9)
        #expect(page.pageInfo?.pageSize == nil)
        #expect(try decode(CSClusterPage.self, "{}").clusters.isEmpty)

        let region = try decode(CSRegion.self, #"{"regionId":"cn-shanghai","localName":"华东2"}"#)
        #expect(region.regionId == "cn-shanghai")

        let addon = try decode(CSAddonInstance.self, #"{"name":"terway-eniip","config":{"NetworkPolicy":"true"}}"#)
        #expect(addon.config == nil)
        #expect(addon.configValues?["NetworkPolicy"] == "true")
        let stringConfig = try decode(CSAddonInstance.self, #"{"config":"{\"IPVlan\":\"false\"}"}"#)
        #expect(stringConfig.config == #"{"IPVlan":"false"}"#)
        #expect(stringConfig.configValues?["IPVlan"] == "false")

        let kubeconfig = CSKubeconfig(config: "client-key-data: SECRETKEY", expiration: nil)
        #expect(!"\(kubeconfig)".contains("SECRETKEY"))
        #expect(kubeconfig.expirationDate == nil)
    }
}
