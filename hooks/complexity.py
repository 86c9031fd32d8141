"""How complex the IDEAL_RESPONSE is, read for the rubric's complexity adjustment.

Four signals, each with the evidence that raised it: the services it uses, security practices,
high availability, advanced patterns. Without an IDEAL_RESPONSE the rubric takes the most
generous value, so a missing file (or one that only describes the code) never makes a score
look inflated.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hooks.policy import Policy
from hooks.scan import Scan

# One pattern per service, written to match CDK (s3.Bucket), CDKTF/Terraform (aws_s3_bucket,
# S3Bucket), CloudFormation (AWS::S3::Bucket), Pulumi (aws.s3.Bucket) and boto3 (client("s3")).
SERVICES: dict[str, str] = {
    "S3": r"\bs3\b|aws_s3_|AWS::S3::|S3Bucket",
    "Lambda": r"\blambda\.|aws_lambda_|AWS::Lambda::|LambdaFunction|['\"]lambda['\"]",
    "DynamoDB": r"dynamodb",
    "KMS": r"\bkms\b|aws_kms_|AWS::KMS::|KmsKey",
    "IAM": r"\biam\.|aws_iam_|AWS::IAM::|IamRole|['\"]iam['\"]",
    "CloudWatch": r"cloudwatch|aws_logs_|AWS::Logs::",
    "SNS": r"\bsns\b|aws_sns_|AWS::SNS::|SnsTopic",
    "SQS": r"\bsqs\b|aws_sqs_|AWS::SQS::|SqsQueue",
    "API Gateway": r"apigateway|api_gateway|AWS::ApiGateway|apigatewayv2",
    "VPC": r"\bvpc\b|aws_vpc\b|AWS::EC2::VPC\b",
    "EC2": r"\bec2\.Instance|aws_instance\b|AWS::EC2::Instance\b|['\"]ec2['\"]|LaunchTemplate|launch_template",
    "RDS": r"\brds\b|aws_db_instance|aws_rds_|AWS::RDS::|\baurora\b",
    "ECS": r"\becs\b|aws_ecs_|AWS::ECS::|fargate",
    "EKS": r"\beks\b|aws_eks_|AWS::EKS::",
    "ELB": r"elasticloadbalancing|\balb\b|aws_lb\b|aws_lb_|LoadBalancer",
    "Step Functions": r"stepfunctions|step_functions|aws_sfn_|AWS::StepFunctions::|StateMachine",
    "EventBridge": r"eventbridge|aws_cloudwatch_event_|AWS::Events::|events\.Rule",
    "Kinesis": r"kinesis",
    "CloudFront": r"cloudfront",
    "Route 53": r"route53|route_53",
    "ElastiCache": r"elasticache",
    "Secrets Manager": r"secretsmanager|secrets_manager|SecretsManager",
    "SSM": r"\bssm\b|aws_ssm_|AWS::SSM::",
    "WAF": r"\bwaf",
    "Cognito": r"cognito",
    "ECR": r"\becr\b|aws_ecr_|AWS::ECR::",
    "EFS": r"\befs\b|aws_efs_|AWS::EFS::",
    "Glue": r"\bglue\b",
    "Athena": r"\bathena\b",
    "CodePipeline": r"codepipeline|codebuild|codedeploy",
    "Backup": r"aws_backup_|AWS::Backup::|backup\.BackupPlan",
    "Config": r"aws_config_|AWS::Config::|config\.ManagedRule",
    "CloudTrail": r"cloudtrail",
    "GuardDuty": r"guardduty",
}

SECURITY = r"encrypt|least[- ]privilege|kms|blockpublicaccess|block_public|enforce_?ssl|secretsmanager|waf|security ?group|guardduty|mfa|oidc|role-to-assume|id-token: ?write|gitleaks|trufflehog|trivy|checkov|tfsec|snyk"
AVAILABILITY = r"multi[-_ ]?az|multiaz|max_?azs|auto ?scaling|autoscaling|failover|read replica|replica|cross[-_ ]region|health ?check"
ADVANCED = (
    r"step ?functions|statemachine|canary|blue[/ -]green|custom ?resource|dead[-_ ]?letter|\bdlq\b|circuit breaker"
    r"|event[-_ ]?driven|eventbridge|aspects?\b|nested ?stack|construct library|cross[-_ ]stack"
)


_SERVICES = {name: Scan(pattern.lower()) for name, pattern in SERVICES.items()}  # matched on lowered text
_SIGNALS = tuple((label, Scan(pattern)) for label, pattern in
                 (("security practices", SECURITY), ("high availability", AVAILABILITY), ("advanced patterns", ADVANCED)))


@dataclass(frozen=True)
class Complexity:
    value: int
    evidence: tuple[str, ...]  # one line per signal, for `explain`


def assess(ideal: str | None, policy: Policy) -> Complexity:
    """The complexity adjustment for an IDEAL_RESPONSE (None: absent), capped by the policy."""
    if ideal is None:
        return Complexity(policy.complexity_absent, ("no lib/IDEAL_RESPONSE.md: taken at its most generous",))
    if not re.search(r"^\s*(```|~~~)", ideal, re.MULTILINE):
        return Complexity(policy.complexity_absent, ("lib/IDEAL_RESPONSE.md shows no code: taken at its most generous",))
    lowered = ideal.lower()  # once, so that no pattern needs IGNORECASE (many times slower on long texts)
    services = [name for name, scan in _SERVICES.items() if scan.search(lowered)]
    evidence, value = [], 0
    if len(services) >= policy.complexity_services:
        value += 1
        evidence.append(f"+1 services used ({len(services)}): {', '.join(services)}")
    elif len(services) == 1:
        value += policy.single_service
        evidence.append(f"{policy.single_service:+d} a single service: {services[0]}")
    else:
        evidence.append(f"+0 services used ({len(services)}): {', '.join(services) or 'none recognised'}")
    for label, scan in _SIGNALS:
        found = _examples(scan.finditer(lowered))
        if found:
            value += 1
            evidence.append(f"+1 {label}: {', '.join(found)}")
        else:
            evidence.append(f"+0 {label}: none found")
    if value > policy.complexity_cap:
        evidence.append(f"capped at {policy.complexity_cap:+d}")
    return Complexity(min(value, policy.complexity_cap), tuple(evidence))


def _examples(matches: Iterator[re.Match[str]], most: int = 4) -> list[str]:
    """Up to `most` distinct matches, in order: enough evidence to show, without reading every match."""
    found: dict[str, None] = {}
    for m in matches:
        found.setdefault(m.group(0))
        if len(found) == most:
            break
    return list(found)
