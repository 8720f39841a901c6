import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto, type Moto } from './moto.js';

let moto: Moto | undefined;

export async function setup(project: TestProject): Promise<void> {
  moto = await startMoto();
  project.provide('motoUrl', moto.url);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}
