import { eksExecAuth } from "../../../constructs/eks/kubernetes-auth";

describe("eksExecAuth", () => {
  it("runs `aws eks get-token` for the cluster and region", () => {
    expect(eksExecAuth("prod", "eu-west-1")).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1"],
    });
  });

  it("assumes a role when given one", () => {
    expect(eksExecAuth("prod", "eu-west-1", "arn:aws:iam::333333333333:role/deploy").args.slice(-2)).toEqual([
      "--role-arn",
      "arn:aws:iam::333333333333:role/deploy",
    ]);
  });
});
