'use strict';
// Starts the real CleanUser server (the built WebApi) on a free loopback port with a fresh temporary SQLite
// database and media folder, in the Development environment so the demo community (users 1–4) is seeded.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..', '..');
const dll = path.join(repo, 'src', 'WebApi', 'bin', 'Debug', 'net10.0', 'CleanUser.WebApi.dll');

function environment(folder, secret) {
  return {
    ...process.env,
    ASPNETCORE_ENVIRONMENT: 'Development',
    DOTNET_NOLOGO: '1',
    Auth__SigningKey: secret,
    ConnectionStrings__Default: `Data Source=${path.join(folder, 'cleanuser.db')}`,
    Media__Root: path.join(folder, 'media'),
    Logging__LogLevel__Default: 'Warning',
    'Logging__LogLevel__Microsoft.Hosting.Lifetime': 'Information',
  };
}

async function startServer() {
  if (!fs.existsSync(dll)) {
    throw new Error(`${dll} is missing: run 'dotnet build' first.`);
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cleanuser-client-compat-'));
  const secret = crypto.randomBytes(32).toString('hex');
  const env = environment(folder, secret);
  const child = spawn('dotnet', [dll, '--urls', 'http://127.0.0.1:0'], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // The start-up hint is printed just after "Now listening"; give it a moment to arrive.
  await new Promise((resolve) => {
    const check = () => (/curl -i -X PATCH/.test(output) ? resolve() : setTimeout(check, 50));
    check();
  });
  return {
    baseUrl,
    secret,
    /** Everything the server printed so far (the Development start-up hint included). */
    output: () => output,
    /** A token from the project's own CLI verb, with the secret the server was started with. */
    projectToken(userId) {
      return execFileSync('dotnet', [dll, 'token', String(userId)], { cwd: folder, env, encoding: 'utf8' }).trim().split('\n').pop();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

module.exports = { startServer };
