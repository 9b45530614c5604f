// ACM certificates in moto, for HTTPS and TLS listeners: moto's CreateListener / ModifyListener
// refuse a default certificate that ACM (or IAM) does not hold. No ACM SDK client is installed,
// so this sends ACM's one JSON wire call itself (awsJson1_1, unsigned: moto does not check
// signatures; the Authorization header only carries the signing name moto routes by). Loopback
// endpoints only: it is for emulators, never for AWS.
export async function requestEmulatorCertificate(endpoint: string, domain: string): Promise<string> {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`not a loopback emulator: ${endpoint}`);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'CertificateManager.RequestCertificate',
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/acm/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ DomainName: domain, ValidationMethod: 'DNS' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { CertificateArn?: string };
  if (!res.ok || body.CertificateArn === undefined) throw new Error(`RequestCertificate ${domain}: ${res.status} ${JSON.stringify(body)}`);
  return body.CertificateArn;
}
