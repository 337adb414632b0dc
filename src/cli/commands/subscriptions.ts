import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AccessStore } from '../../share/accessStore.js';
import { addSubscription, listSubscriptions, removeSubscription } from '../../notify/subscriptions.js';
import { webhookPublicKey } from '../../notify/webhookSigning.js';

export function registerSubscriptionsCommand(program: Command): void {
  const command = program.command('subscriptions').description('Departments told by webhook when a period is published');
  command
    .command('add')
    .description('Subscribe a client to publications')
    .requiredOption('--client <id>', 'the subscribing client')
    .requiredOption('--url <url>', 'where to POST the signed message')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { client: string; url: string; data: string }) => {
      const dataDir = resolve(options.data);
      const store = new AccessStore(resolve(dataDir, 'access'));
      if (!store.read().clients.some((c) => c.id === options.client)) throw new Error(`no client ${options.client}; add it with dx clients add`);
      const subscription = await addSubscription(dataDir, options.client, options.url);
      process.stdout.write(`subscription ${subscription.id}: ${subscription.client} -> ${subscription.url}\nVerify messages with the exchange's public key (dx subscriptions key).\n`);
    });
  command
    .command('list')
    .option('--data <dir>', 'data folder', './data')
    .action((options: { data: string }) => {
      for (const s of listSubscriptions(resolve(options.data))) process.stdout.write(`${s.id}  ${s.client}  ${s.url}  last told: ${s.lastDeliveredPeriod ?? '-'}\n`);
    });
  command
    .command('remove <id>')
    .option('--data <dir>', 'data folder', './data')
    .action(async (id: string, options: { data: string }) => {
      if (!(await removeSubscription(resolve(options.data), id))) throw new Error(`no subscription ${id}`);
      process.stdout.write(`subscription ${id} removed\n`);
    });
  command
    .command('key')
    .description('Print the public key that verifies the exchange\'s webhook signatures')
    .option('--data <dir>', 'data folder', './data')
    .action((options: { data: string }) => { process.stdout.write(webhookPublicKey(resolve(options.data))); });
}
