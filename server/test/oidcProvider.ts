import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

/**
 * A real OpenID provider (the `oidc-provider` package) on loopback. Its login and consent
 * screens are replaced by a handler that signs in `account` at once: the test decides who
 * the organisation says the person is.
 */
export async function startOidcProvider(redirectUri: string) {
  const state: { account: OidcAccount } = { account: { email: 'someone@example.test', emailVerified: true } };
  const client = { client_id: 'tandem-test', client_secret: 'tandem-test-secret-with-enough-length' };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, OidcAccount>();
  const provider = new Provider(issuer, {
    clients: [{ ...client, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.emailVerified, name: account.name };
        },
      };
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const accountId = `acct-${state.account.email}`;
        accounts.set(accountId, state.account);
        const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope('openid email profile');
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
      })().catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    void callback(req, res);
  });
  return {
    issuer,
    ...client,
    /** Who the organisation signs in next. */
    signInAs(account: OidcAccount) {
      state.account = account;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
