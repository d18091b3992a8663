/** Errors shaped like the SDK's service exceptions (name, $fault, $metadata). */
export function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-test', attempts: 1 },
  });
}

export const throttled = () => awsError('ThrottlingException', 'Rate exceeded');

export const accessDenied = (action: string, resource: string) =>
  awsError(
    'AccessDeniedException',
    `User: arn:aws:sts::123456789012:assumed-role/opsbot/worker is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
