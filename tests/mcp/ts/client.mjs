// A TypeScript-SDK MCP client, as hosts run it: connect, list tools, call tools, get prompts, and
// print what the SDK hands back (or what it threw) as one JSON document on stdout.
//
//   node client.mjs '<plan as JSON>'
//
// plan = {
//   package: "sdk"       -> @modelcontextprotocol/sdk 1.x (the Inspector's and most hosts' client)
//          | "client",   -> @modelcontextprotocol/client 2.x (can also speak 2026-07-28)
//   era: "2025-11-25" | "2026-07-28",
//   server: {command, args, env, cwd} (stdio) | {url} (streamable HTTP),
//   tools: [{name, arguments}], prompts: [{name, arguments}]
// }
//
// The script is copied next to the node_modules it imports (see tests/mcp/ts_client.py).

const plan = JSON.parse(process.argv[2]);

async function load(pkg, http) {
  if (pkg === 'sdk') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const transports = http
      ? await import('@modelcontextprotocol/sdk/client/streamableHttp.js')
      : await import('@modelcontextprotocol/sdk/client/stdio.js');
    return { Client, ...transports };
  }
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
  return { Client, StreamableHTTPClientTransport, StdioClientTransport };
}

// Note the protocol version the server agreed to (1.x has no getter for it).
function watchInitialize(transport, seen) {
  let handler;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    set: (h) => { handler = h; },
    get: () => handler && ((message, extra) => {
      const version = message?.result?.protocolVersion;
      if (typeof version === 'string') seen.initialized = version;
      return handler(message, extra);
    }),
  });
}

function thrown(error) {
  return { error: { name: error?.constructor?.name, code: error?.code, message: String(error?.message ?? error) } };
}

async function main() {
  const http = 'url' in plan.server;
  const sdk = await load(plan.package, http);
  const transport = http
    ? new sdk.StreamableHTTPClientTransport(new URL(plan.server.url))
    : new sdk.StdioClientTransport({ ...plan.server, stderr: 'inherit' });
  const seen = {};
  watchInitialize(transport, seen);
  const options = plan.era === '2026-07-28' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {};
  const client = new sdk.Client({ name: 'nemo-video-tests', version: '0' }, options);
  await client.connect(transport);
  const out = { package: plan.package, tools: [], calls: [], prompts: [] };
  try {
    out.protocolVersion = client.getNegotiatedProtocolVersion?.() ?? seen.initialized;
    // Listing first is what hosts do, and what arms the SDK's outputSchema checks on results.
    out.tools = (await client.listTools()).tools.map((tool) => tool.name);
    for (const call of plan.tools ?? []) {
      try {
        out.calls.push({ name: call.name, result: await client.callTool(call) });
      } catch (error) {
        out.calls.push({ name: call.name, ...thrown(error) });
      }
    }
    for (const get of plan.prompts ?? []) {
      try {
        out.prompts.push({ name: get.name, result: await client.getPrompt(get) });
      } catch (error) {
        out.prompts.push({ name: get.name, ...thrown(error) });
      }
    }
  } finally {
    await client.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`client failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
