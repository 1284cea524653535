const MIN_SECRET_LENGTH = 4;

/**
 * Masks known secrets in text: every sensitive value hcr has resolved (and the token) is
 * replaced. Views are built so that they never hold a secret in the first place; this catches
 * what a service message might echo.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('(sensitive)');
    }
    return out;
  }
}
