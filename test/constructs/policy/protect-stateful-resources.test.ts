import { Aspects } from "cdktf";
import { Network } from "../../../constructs/network/network";
import { ObjectStorage } from "../../../constructs/object-storage/object-storage";
import { ProtectStatefulResources } from "../../../constructs/policy/protect-stateful-resources";
import { onlyResource, resourcesOf, synthConstruct } from "../../helpers";

describe("ProtectStatefulResources", () => {
  const json = synthConstruct((scope) => {
    new Network(scope, "Network", { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] });
    new ObjectStorage(scope, "Bucket");
    Aspects.of(scope).add(new ProtectStatefulResources());
  });

  it("adds prevent_destroy to buckets and KMS keys", () => {
    expect(onlyResource(json, "aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: true });
    const keys = Object.values(resourcesOf(json, "aws_kms_key"));
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("leaves resources without data alone", () => {
    expect(onlyResource(json, "aws_vpc").lifecycle).toBeUndefined();
    expect(onlyResource(json, "aws_s3_bucket_policy").lifecycle).toBeUndefined();
  });
});
