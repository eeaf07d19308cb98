/** A command-line mistake: the CLI prints the usage line and exits 2. */
export class UsageError extends Error {}
