/** Exit status when something was refused or misused before anything ran. */
export const EXIT_REFUSED = 2;
/** Exit status when a command of the run failed. */
export const EXIT_FAILED = 1;

/** A request the CLI refuses (teardown of a long-lived environment, unconfirmed prod deploy, ...): nothing runs. */
export class RefusalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusalError";
  }
}

/** A malformed command line: the message is followed by the usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
