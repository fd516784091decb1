// A real OpenID provider for the single sign-on tests (node's `oidc-provider`, from npm).
//
//   node tests/sso/provider.mjs <config.json>
//
// The config file says where to listen and what to serve:
//   {"port": 43210, "keys": [<private JWKs>], "clients": [<client metadata>],
//    "accounts": {"<login>": {<claims>}}}
// It prints "listening <issuer>" once it answers. The tests drive it over HTTP:
//   POST /__test/configure {"keys": [...], "clients": [...]}: serve new signing keys or clients
//   (key rotation; the browser test adds the live server's redirect URIs). The provider object
//   is rebuilt around the same in-memory store, so sessions and codes survive.
// Its login page takes any password for a known login and grants every requested scope at once
// (no consent page). No page loads anything from the network (the browser tests fail on console
// errors).
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const esc = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function build() {
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: config.keys },
    cookies: { keys: ['test-provider-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    async findAccount(_ctx, id) {
      const claims = config.accounts[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out of the test provider?', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<p>You are signed out of the test provider.</p>');
        },
      },
    },
    pkce: { required: () => true },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Provider error', `<pre>${esc(JSON.stringify(out))}</pre>`);
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, IdToken: 300, AccessToken: 300 },
  });
  return provider;
}

let provider = build();

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page('Sign in to the test provider', `
<form method="post" action="/interaction/${esc(uid)}/login">
  <p><label for="login">Username</label> <input id="login" name="login" autofocus></p>
  <p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
  <p><button type="submit">Sign in</button></p>
</form>`));
    return;
  }
  if (action !== 'login') throw new Error('unknown interaction action');
  const form = new URLSearchParams(await readBody(req));
  const login = form.get('login') || '';
  if (!config.accounts[login]) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.statusCode = 400;
    res.end(page('Unknown user', '<p>No such user at the test provider.</p>'));
    return;
  }
  const { params } = details;
  const grant = new provider.Grant({ accountId: login, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/__test/configure' && req.method === 'POST') {
      const update = JSON.parse(await readBody(req));
      Object.assign(config, update);
      provider = build();
      res.setHeader('Content-Type', 'application/json');
      res.end('{"ok":true}');
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    provider.callback()(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
