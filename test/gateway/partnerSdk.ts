/**
 * Requests signed the way the SageMaker Python SDK's PartnerAppAuthProvider signs them
 * (sagemaker/partner_app/auth_provider.py RequestsAuth → auth_utils.get_signed_request), sent by
 * python3 with `requests`, signed by botocore's SigV4Auth over an AWSRequest. The SDK itself is
 * not installed here; the program below takes the same steps in the same order:
 *   the app's own Authorization moves to X-Amz-Partner-App-Authorization; the app ARN goes in
 *   X-SageMaker-Partner-App-Server-Arn; X-Amz-Target is SageMaker.CallPartnerAppApi;
 *   X-Amz-Content-SHA256 is the body's hash (UNSIGNED-PAYLOAD for a body that is not bytes);
 *   Connection is left out of the signature; `+` in the URL becomes %20; the region is the ARN's.
 * Python's resolver (getaddrinfo) does not know the apps' hosts under `*.localhost` on every
 * machine (systemd-resolved's does, this one's does not): the program resolves them to loopback as
 * such a machine would, so that a BaseUrl can be called. A client without that calls the API
 * endpoint's /gateway/<app-id>/ instead (docs/gateway.md), which the tests also do.
 */
import { execFile } from 'node:child_process';
import type { Credentials } from '../helpers/server.js';

const PARTNER_APP_REQUEST = String.raw`
import json, socket, sys
from hashlib import sha256
import requests

system_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    return system_getaddrinfo("127.0.0.1" if isinstance(host, str) and host.endswith(".localhost") else host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

class PartnerAppAuth(requests.auth.AuthBase):
    def __init__(self, sigv4, app_arn):
        self.sigv4 = sigv4
        self.app_arn = app_arn

    def __call__(self, request):
        headers = request.headers
        if "Authorization" in headers:
            headers["X-Amz-Partner-App-Authorization"] = headers["Authorization"]
        headers["X-SageMaker-Partner-App-Server-Arn"] = self.app_arn
        headers["X-Amz-Target"] = "SageMaker.CallPartnerAppApi"
        body = request.body
        if body is None:
            headers["X-Amz-Content-SHA256"] = sha256(b"").hexdigest()
        elif isinstance(body, bytes):
            headers["X-Amz-Content-SHA256"] = sha256(body).hexdigest()
        else:
            headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
        connection = headers.pop("Connection", None)
        url = request.url.replace("+", "%20")
        aws_request = AWSRequest(method=request.method, url=url, headers=headers, data=body)
        self.sigv4.add_auth(aws_request)
        signed = dict(aws_request.headers.items())
        if connection is not None:
            signed["Connection"] = connection
        request.url = url
        request.headers.update(signed)
        return request

def send(spec):
    arn = spec["arn"]
    credentials = Credentials(spec["accessKeyId"], spec["secretAccessKey"], spec.get("sessionToken"))
    auth = PartnerAppAuth(SigV4Auth(credentials, "sagemaker", arn.split(":")[3]), arn)
    body = spec.get("body")
    response = requests.request(
        spec.get("method", "GET"),
        spec["url"],
        headers=spec.get("headers", {}),
        data=body.encode() if body is not None else None,
        auth=auth,
        allow_redirects=False,
        timeout=20,
    )
    return {"status": response.status_code, "headers": dict(response.headers), "body": response.text}

print(json.dumps([send(spec) for spec in json.loads(sys.argv[1])]))
`;

export interface PartnerAppRequest {
  url: string;
  /** The ARN put in X-SageMaker-Partner-App-Server-Arn (and whose region is signed for). */
  arn: string;
  credentials: Credentials;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface PartnerAppResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as JSON, when it is. */
  json: any;
}

/** Sends the requests one after the other from one python3 process (starting boto3 is the slow part). */
export function partnerAppRequests(requests: PartnerAppRequest[]): Promise<PartnerAppResponse[]> {
  const specs = requests.map((request) => ({ ...request, ...request.credentials, credentials: undefined }));
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', PARTNER_APP_REQUEST, JSON.stringify(specs)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`python3 failed: ${stderr || error.message}`));
        return;
      }
      const responses = JSON.parse(stdout) as Omit<PartnerAppResponse, 'json'>[];
      resolve(responses.map((response) => ({ ...response, json: parseJson(response.body) })));
    });
  });
}

export const partnerAppRequest = async (request: PartnerAppRequest) => (await partnerAppRequests([request]))[0]!;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
