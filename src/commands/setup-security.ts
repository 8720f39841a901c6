import { roleInlinePolicy, rolePolicyAttachment, iamRole } from '../aws/iam-role.js';
import { secretsManagerSecret } from '../aws/secretsmanager-secret.js';
import { hfTokenSecretName, roleArn } from '../config/resource-names.js';
import type { Desired } from '../engine/types.js';
import { INLINE_POLICY_NAME, roleId, securityRoles, type SecurityRole } from './security-roles.js';
import { resolveHfToken, validateHfTokenSource } from './set-params.js';
import { resourceId, standardTags, type Step } from './step.js';

export interface SetupSecurityInputs {
  /** the token, when it lives in Secrets Manager; undefined: not given this run, a stored secret keeps its value */
  hfToken: string | undefined;
}

export const setupSecurity: Step<SetupSecurityInputs> = {
  name: 'setup-security',
  services: (config) => (config.secrets.huggingFaceToken.store === 'secretsmanager' ? ['iam', 'secretsmanager'] : ['iam']),

  validate(config) {
    if (config.secrets.huggingFaceToken.store === 'secretsmanager') validateHfTokenSource();
  },

  async resolve(context) {
    const inSecretsManager = context.draft.config.secrets.huggingFaceToken.store === 'secretsmanager';
    // the same memoised answer set-params uses: bootstrap asks once
    return { hfToken: inSecretsManager ? await resolveHfToken(context) : undefined };
  },

  desired(inputs, config, targets) {
    const items: Desired[] = [];
    for (const { target, spec, policy, managedPolicyArns, dependsOn } of securityRoles(config, targets)) {
      const id = roleId(target, spec.name);
      items.push({ id, kind: iamRole, target, spec, ...(dependsOn ? { dependsOn } : {}) });
      if (policy) {
        items.push({
          id: resourceId(target.name, roleInlinePolicy.kind, `${spec.name}/${INLINE_POLICY_NAME}`),
          kind: roleInlinePolicy,
          target,
          spec: { roleName: spec.name, policyName: INLINE_POLICY_NAME, document: policy },
          dependsOn: [id],
        });
      }
      for (const policyArn of managedPolicyArns) {
        items.push({
          id: resourceId(target.name, rolePolicyAttachment.kind, `${spec.name}/${policyArn}`),
          kind: rolePolicyAttachment,
          target,
          spec: { roleName: spec.name, policyArn },
          dependsOn: [id],
        });
      }
    }
    const { store, kmsKeyId } = config.secrets.huggingFaceToken;
    if (store === 'secretsmanager') {
      // with the builds that read it: CodeBuild's secrets-manager: reads its own account and region
      for (const target of targets.environmentsInToolAccount) {
        const name = hfTokenSecretName(config.project, target.name);
        items.push({
          id: resourceId(target.name, secretsManagerSecret.kind, name),
          kind: secretsManagerSecret,
          target,
          spec: { name, value: inputs.hfToken, ...(kmsKeyId ? { kmsKeyId } : {}), tags: standardTags(config.project, target.name) },
        });
      }
    }
    return items;
  },

  outputs(_inputs, config, targets) {
    const roles = securityRoles(config, targets);
    const arnOf = (r: SecurityRole) => roleArn(r.target.partition, r.target.account, r.spec.name);
    const shared = Object.fromEntries(roles.filter((r) => !r.env).map((r) => [r.key, arnOf(r)]));
    const environments: Record<string, Record<string, string>> = {};
    for (const r of roles.filter((r) => r.env)) (environments[r.env!] ??= {})[r.key] = arnOf(r);
    const inSecretsManager = config.secrets.huggingFaceToken.store === 'secretsmanager';
    const secrets = inSecretsManager
      ? Object.fromEntries(targets.environmentsInToolAccount.map((t) => [t.name, hfTokenSecretName(config.project, t.name)]))
      : {};

    const notes = ['Service roles (least privilege, path /mtpipe/):', ...roles.map((r) => `  ${(r.env ? `${r.key} (${r.env})` : r.key).padEnd(26)} ${arnOf(r)}`)];
    if (inSecretsManager) {
      notes.push(...Object.entries(secrets).map(([env, name]) => `Hugging Face token of ${env}: Secrets Manager secret ${name} (${targets.shared.region}).`));
    }
    // one CDK bootstrap per account and region, however many environments share it
    const places = new Map<string, string[]>();
    for (const deployed of targets.environments) {
      const key = `${deployed.account}/${deployed.region}`;
      places.set(key, [...(places.get(key) ?? []), deployed.name]);
    }
    const actions: string[] = [];
    for (const [place, envs] of places) {
      const [account] = place.split('/');
      const cdk = `cdk bootstrap aws://${place} --qualifier ${config.cdk.qualifier}`;
      // mtpipe cannot see whether it was done: it stays on the list
      actions.push(
        account === targets.shared.account
          ? `${envs.join(', ')}: cdk-deploy deploys through the CDK bootstrap roles; bootstrap once with: ${cdk}`
          : `${envs.join(', ')}: cdk-deploy deploys through the CDK bootstrap roles of account ${account}; bootstrap them trusting the tool account: ${cdk} --trust ${targets.shared.account} --cloudformation-execution-policies <policy ARN>. The integration tests reach resources there only where resource policies allow the tool account.`,
      );
    }
    notes.push(
      'integration-test roles may use only the solution resources known by name (bucket and endpoint parameters, solution.* in mtpipe.yaml); name more there to grant more.',
    );
    return { data: { roles: { ...shared, environments }, ...(inSecretsManager ? { secrets } : {}) }, notes, actions };
  },
};
