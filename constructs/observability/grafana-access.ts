/**
 * Grafana behind the ALB with single sign-on: the values of kube-prometheus-stack's Grafana for an
 * Ingress of the load balancer controller's class (TLS with the environment's ACM certificate,
 * HTTPS only) and Grafana's generic OAuth (OIDC) login, whose client secret Grafana reads from a
 * Kubernetes Secret that External Secrets fills from Secrets Manager.
 */

import { matching, oneOf, rule } from "../core/validation";

/** Whether Grafana's load balancer is reachable from the internet or only from inside the VPC. */
export const GRAFANA_EXPOSURES = ["internal", "internetFacing"] as const;
export type GrafanaExposure = (typeof GRAFANA_EXPOSURES)[number];

/** The host of an https URL; undefined for anything else. */
function httpsHost(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" ? parsed.host : undefined;
  } catch {
    return undefined;
  }
}

/** The rules of Grafana's access settings, also used by the environment schema. */
export const GRAFANA_ACCESS_RULES = {
  exposure: oneOf(GRAFANA_EXPOSURES),
  /** The issuer's and its endpoints' URLs. */
  url: rule<string>("must be an https URL", (url) => typeof url === "string" && httpsHost(url) !== undefined),
  clientId: matching(/^[\w.:@/-]{1,255}$/, "1–255 letters, digits or _.:@/-"),
  clientSecretName: matching(
    /^[\w+=.@-][\w/+=.@-]{0,400}$/,
    "a Secrets Manager secret name (letters, digits or /_+=.@-, not starting with '/')",
  ),
} as const;

/** The OIDC identity provider Grafana signs users in with. */
export interface GrafanaOidcOptions {
  /** The provider's issuer URL (https); its endpoints must be on the same host. */
  readonly issuerUrl: string;
  /** Authorization endpoint (https). */
  readonly authUrl: string;
  /** Token endpoint (https). */
  readonly tokenUrl: string;
  /** User info endpoint (https). */
  readonly apiUrl: string;
  /** The client id registered with the provider. */
  readonly clientId: string;
  /** Secrets Manager secret holding the client secret (a plain string) under the environment's prefix; its value is the operator's to set. */
  readonly clientSecretName: string;
  /** JMESPath mapping the user's claims to a Grafana role (`role_attribute_path`). @default - every user gets Grafana's default role (Viewer) */
  readonly roleAttributePath?: string;
}

/** What Grafana's access values are built from. */
export interface GrafanaAccessInputs {
  /** The host name Grafana answers on (`grafana.<domain>`). */
  readonly host: string;
  /** The load balancer controller's IngressClass. */
  readonly ingressClassName: string;
  /** The ACM certificate of the domain. */
  readonly certificateArn: string;
  /** Internal (default) or internet-facing load balancer. */
  readonly exposure: GrafanaExposure;
  /** The identity provider. */
  readonly oidc: GrafanaOidcOptions;
  /** The Kubernetes Secret (key `client-secret`) with the OIDC client secret. */
  readonly clientSecretSecretName: string;
}

/** Key of the OIDC client secret in its Kubernetes Secret. */
export const GRAFANA_OIDC_SECRET_KEY = "client-secret";

/** Validation problems of OIDC settings, as [field, value, what is allowed]. */
export function grafanaOidcProblems(oidc: GrafanaOidcOptions): [string, string, string][] {
  const R = GRAFANA_ACCESS_RULES;
  const problems: [string, string, string][] = [];
  const issuerHost = httpsHost(oidc.issuerUrl);
  if (issuerHost === undefined) problems.push(["issuerUrl", oidc.issuerUrl, R.url.allowed]);
  for (const field of ["authUrl", "tokenUrl", "apiUrl"] as const) {
    const host = httpsHost(oidc[field]);
    if (host === undefined || (issuerHost !== undefined && host !== issuerHost)) {
      problems.push([field, oidc[field], `${R.url.allowed} on the issuer's host`]);
    }
  }
  if (!R.clientId.test(oidc.clientId)) problems.push(["clientId", oidc.clientId, R.clientId.allowed]);
  if (!R.clientSecretName.test(oidc.clientSecretName)) {
    problems.push(["clientSecretName", oidc.clientSecretName, R.clientSecretName.allowed]);
  }
  return problems;
}

/** kube-prometheus-stack values (its `grafana` part) for an ALB Ingress with OIDC login. */
export function grafanaAccessValues(inputs: GrafanaAccessInputs): object {
  const { oidc } = inputs;
  return {
    grafana: {
      ingress: {
        enabled: true,
        ingressClassName: inputs.ingressClassName,
        annotations: {
          "alb.ingress.kubernetes.io/scheme":
            inputs.exposure === "internetFacing" ? "internet-facing" : "internal",
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
          "alb.ingress.kubernetes.io/certificate-arn": inputs.certificateArn,
          "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
          "alb.ingress.kubernetes.io/healthcheck-path": "/api/health",
        },
        hosts: [inputs.host],
        path: "/",
      },
      "grafana.ini": {
        server: { root_url: `https://${inputs.host}` },
        "auth.generic_oauth": {
          enabled: true,
          name: "Single sign-on",
          client_id: oidc.clientId,
          scopes: "openid email profile",
          auth_url: oidc.authUrl,
          token_url: oidc.tokenUrl,
          api_url: oidc.apiUrl,
          use_pkce: true,
          allow_sign_up: true,
          ...(oidc.roleAttributePath !== undefined ? { role_attribute_path: oidc.roleAttributePath } : {}),
        },
      },
      // Grafana reads GF_<SECTION>_<KEY> over grafana.ini; optional, so Grafana starts (admin login
      // through port-forward) before an operator has stored the client secret.
      envValueFrom: {
        GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: {
          secretKeyRef: { name: inputs.clientSecretSecretName, key: GRAFANA_OIDC_SECRET_KEY, optional: true },
        },
      },
    },
  };
}

/** Deep merge of plain objects (later wins; arrays and scalars replace). */
export function mergeObjects(base: object, over: object): object {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    const isMap = (x: unknown): x is object => x !== null && typeof x === "object" && !Array.isArray(x);
    result[key] = isMap(current) && isMap(value) ? mergeObjects(current, value) : value;
  }
  return result;
}
