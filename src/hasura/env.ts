export interface EnvEntry {
  value: string;
  /** Never quoted in a message. A live value hcr did not take from the desired state is passed as sensitive. */
  sensitive: boolean;
  /** Whether the desired state declares the key (false: a live value hcr leaves alone). */
  declared: boolean;
}

export type Env = ReadonlyMap<string, EnvEntry>;

/**
 * An env as the checks ask about it. `has` is true, false, or undefined when unknown: a key the
 * desired state does not mention, while checking the desired state alone (validate).
 */
export class EnvView {
  constructor(
    private readonly env: Env,
    /** Set when the env is partial: the keys known to be absent. */
    private readonly absent?: ReadonlySet<string>,
  ) {}

  has(key: string): boolean | undefined {
    if (this.env.has(key)) return true;
    return this.absent === undefined || this.absent.has(key) ? false : undefined;
  }

  value(key: string): string | undefined {
    return this.env.get(key)?.value;
  }
}
