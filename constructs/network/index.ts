// The public API of network.
export { INTERFACE_ENDPOINT_SERVICES, Network } from "./network";
export type { InterfaceEndpointService, NatGatewayMode, NetworkProps, NetworkSubnet } from "./network";
export type { INetwork, NetworkAttributes } from "./network-reference";
export { SUBNET_TIERS } from "./subnet-plan";
export type { SubnetTier } from "./subnet-plan";
