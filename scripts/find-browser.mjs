// Finds a Chromium for the end-to-end tests and for Node's WebGPU (Dawn needs SwiftShader's Vulkan ICD, which
// Debian's chromium package ships). Order: $PLAYGROUND_CHROMIUM, /usr/bin/chromium, Playwright's own browser;
// on Debian/Ubuntu as root with none of those, installs Debian's chromium (and the Vulkan loader).
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

function isDebianLike() {
  if (!existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*(debian|ubuntu)/m.test(release);
}

function hasVulkanLoader() {
  try {
    return execSync('ldconfig -p', { encoding: 'utf8' }).includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

function aptInstall(packages) {
  console.log(`Installing Debian packages: ${packages.join(' ')} (needed for the browser tests)`);
  execSync('apt-get update -qq', { stdio: 'inherit' });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(' ')}`, { stdio: 'inherit' });
}

const canApt = () => isDebianLike() && process.getuid?.() === 0;

/** Returns the path of a Chromium able to run WebGPU, installing one when allowed; throws with one clear sentence. */
export async function findChromium() {
  const fromEnv = process.env.PLAYGROUND_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`PLAYGROUND_CHROMIUM points to ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  if (!existsSync(SYSTEM_CHROMIUM) && canApt()) aptInstall(['chromium', 'libvulkan1']);
  if (existsSync(SYSTEM_CHROMIUM)) {
    if (!hasVulkanLoader() && canApt()) aptInstall(['libvulkan1']);
    return SYSTEM_CHROMIUM;
  }
  const bundled = await playwrightChromium();
  if (bundled) return bundled;
  throw new Error(
    'No Chromium found: install Chromium (e.g. `apt-get install chromium` on Debian/Ubuntu) or set PLAYGROUND_CHROMIUM to a Chromium or Chrome binary.',
  );
}

async function playwrightChromium() {
  try {
    const { chromium } = await import('@playwright/test');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Environment for Node processes that use npm `webgpu` (Dawn) on SwiftShader. */
export function webgpuNodeEnv() {
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return {};
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
}
