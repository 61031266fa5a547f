/** Value shapes several charts share. */

/** A Kubernetes service account created by a chart under a fixed name (Pod Identity associates it). */
export interface ServiceAccountValues {
  readonly create: boolean;
  readonly name: string;
}
