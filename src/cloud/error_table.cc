#include "cloud/error_table.h"

#include <fmt/format.h>

#include "core/terminal_text.h"

namespace respec {
namespace {

using C = ErrorCategory;

// Sources: ModifyPrepayInstanceSpec (English and Chinese references, see
// tests/data/seeds/), Alibaba Cloud's common signature errors, and the
// StopInstance/StartInstance/RebootInstance references.
constexpr ErrorInfo kErrors[] = {
    // --- ModifyPrepayInstanceSpec, both seeds ---
    {"InvalidRegionId.NotFound", 404, "The specified RegionId does not exist.",
     "The specified RegionId parameter does not exist.", C::kBadRequest},
    {"InvalidInstanceType.ValueUnauthorized", 400, "The specified InstanceType is not authorized.",
     "You are not authorized to use the specified instance type.", C::kBadRequest},
    {"InvalidInstanceType.ValueNotSupported", 400,
     "The specified InstanceType does not exist or beyond the permitted range.",
     "The instance type does not exist or you are not authorized to manage instances of it.",
     C::kBadRequest},
    {"InternalError", 500,
     "The request processing has failed due to some unknown error, exception or failure.",
     "An internal error has occurred. Try again later.", C::kTransient},
    {"BillingMethodNotFound", 404, "The account has not chosen any billing method.",
     "No billing method is selected for this account.", C::kQuotaOrBilling},
    {"OperationDenied.NoStock", 403, "The specified instance is out of usage.",
     "The specified instance type is out of stock.", C::kStock},
    {"InvalidBillingMethod.ValueNotSupported", 400,
     "The operation is not permitted due to an invalid billing method of the instance.",
     "The operation is not supported due to the billing method of the instance.",
     C::kQuotaOrBilling},
    {"InvalidInstanceId.NotFound", 404, "The specified InstanceId does not exist.",
     "The instance does not exist (the Chinese reference gives HTTP 400).", C::kNotFound},
    {"InvalidInstanceId.Released", 400, "The specified instance has been released.",
     "The instance has been released (Chinese reference only).", C::kNotFound},
    {"InvalidInstance.PurchaseNotFound", 400, "The specified instance has no purchase history.",
     "The order record for this instance does not exist.", C::kQuotaOrBilling},
    {"InvalidInstanceType.NotSupported", 400, "The specified InstanceType is not Supported.",
     "The InstanceType parameter is invalid.", C::kBadRequest},
    {"OrderCreationFailed", 400,
     "Order creation failed, please check your params and try it again later.",
     "The order could not be created. Check the parameters and try again later.",
     C::kTransient},
    {"Throttling", 400,
     "You have made too many requests within a short time; your request is denied due to "
     "request throttling.",
     "The request was denied due to request throttling. Try again later.", C::kThrottled},
    {"Account.Arrearage", 400, "Your account has an outstanding payment.",
     "The account has overdue payments.", C::kQuotaOrBilling},
    {"InvalidUser.PassRoleForbidden", 403, "The RAM user does not have privilege to pass a role.",
     "The RAM user may not pass RAM roles.", C::kAuth},
    {"InvalidRebootTime.MalFormed", 400, "The specified rebootTime is not valid.",
     "The RebootTime parameter is malformed.", C::kBadRequest},
    {"InvalidRebootTime.ValueNotSupported", 400, "The specified RebootTime is not valid.",
     "The RebootTime parameter is not supported (e.g. in the past).", C::kBadRequest},
    {"ImageNotSupportInstanceType", 403,
     "The specified image does not support the specified InstanceType.",
     "The instance's image cannot be used with the target instance type.", C::kBlocked},
    {"InstanceType.Offline", 403, "%s",
     "The instance type is retired or instances of this type are insufficient.", C::kStock},
    {"IdempotenceParamNotMatch", 400,
     "Request uses a client token in a previous request but is not identical to that request.",
     "The ClientToken was used before with different parameters.", C::kBadRequest},
    {"IncorrectInstanceStatus", 403,
     "The current status of the resource does not support this operation.",
     "The operation is not supported in the resource's current state.", C::kWrongState},
    {"InvalidInstanceChargeType.ValueNotSupported", 400, "%s",
     "The charge type is not supported (e.g. a pay-as-you-go instance).", C::kBlocked},
    {"InvalidStatus.NotStopped", 400, "Instance status must be stopped.",
     "The operation can be performed only when the instance is Stopped.", C::kWrongState},
    {"InvalidAction", 400, "%s", "This operation is invalid.", C::kBadRequest},
    {"InstanceDowngrade.QuotaExceed", 400, "Quota of instance downgrade is exceed.",
     "The instance has used its three downgrades (refunds).", C::kQuotaOrBilling},
    {"InvalidParameter.InstanceId", 403, "%s", "The InstanceId parameter is invalid.",
     C::kBadRequest},
    {"InvalidParameter", 400, "%s", "A parameter is invalid.", C::kBadRequest},
    {"OperationDenied", 403, "%s", "The operation is denied.", C::kBlocked},
    {"InvalidInstanceStatus", 403,
     "The current status of the instance does not support this operation.",
     "The operation is not supported in the instance's current state.", C::kWrongState},
    {"InvalidInstance.PreInstanceExpired", 403, "Instance business status is not Expired",
     "The instance has expired; renew it first.", C::kBlocked},
    {"InvalidInstance.EipNotSupport", 403,
     "The special instance with eip not support operate, please unassociate eip first.",
     "Not supported while an EIP is associated with this special instance.", C::kBlocked},
    {"OperationDenied.LocalDiskUnsupported", 403,
     "The configuration change is not allowed when the specified instance has local disks "
     "mounted.",
     "Instances with local disks cannot change their instance type.", C::kBlocked},
    {"LastOrderProcessing", 400, "The previous order is still processing, please try again later.",
     "The previous order is still being processed. Try again later.", C::kOrderInProgress},
    {"InvalidOperation.Ipv4CountExceeded", 403, "%s",
     "The maximum number of IPv4 addresses has been reached.", C::kBlocked},
    {"InvalidOperation.Ipv6CountExceeded", 403, "%s",
     "The maximum number of IPv6 addresses has been reached.", C::kBlocked},
    {"InvalidOperation.Ipv6NotSupport", 403, "%s", "IPv6 addresses do not support the operation.",
     C::kBlocked},
    // Second rows of codes the seeds list twice.
    {"InternalError", 500, "The request processing has failed due to some unknown error.",
     "An internal error has occurred. Try again later.", C::kTransient},
    {"OperationDenied.NoStock", 403,
     "The resource is out of stock in the specified zone. Please try other types, or choose "
     "other regions and zones.",
     "The resource is unavailable in the specified zone.", C::kStock},
    {"IdempotenceParamNotMatch", 400, "%s", "The idempotence parameters do not match.",
     C::kBadRequest},
    {"InvalidInstanceType.ValueNotSupported", 400, "%s",
     "The operation cannot be performed on instances of the specified type.", C::kBadRequest},
    {"OperationDenied", 400, "The current user does not support this operation.",
     "The account does not support this operation.", C::kBlocked},
    {"ImageNotSupportInstanceType", 403,
     "The specified instanceType is not supported by instance with marketplace image.",
     "The Alibaba Cloud Marketplace image does not support the instance type.", C::kBlocked},
    {"InvalidInstanceId.NotFound", 400, "The specified InstanceId does not exist.",
     "Chinese reference: HTTP 400.", C::kNotFound},

    // --- Common errors: signature, credentials, request form ---
    {"SignatureDoesNotMatch", 400, "Specified signature is not matched with our calculation.",
     "The signature does not match: wrong AccessKeySecret or signing bug.", C::kAuth},
    {"IncompleteSignature", 400, "The request signature does not conform to Aliyun standards.",
     "The signature is incomplete or malformed.", C::kAuth},
    {"InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.",
     "The AccessKeyId does not exist.", C::kAuth},
    {"InvalidAccessKeyId.Inactive", 400, "Specified access key is disabled.",
     "The AccessKeyId is disabled.", C::kAuth},
    {"SignatureNonceUsed", 400, "Specified signature nonce was used already.",
     "The SignatureNonce was used in an earlier request.", C::kTransient},
    {"InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.",
     "The Timestamp is too far from the server's time.", C::kAuth},
    {"InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted.",
     "The Timestamp is not in yyyy-MM-ddTHH:mm:ssZ form.", C::kBadRequest},
    {"InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired.",
     "The STS security token has expired.", C::kAuth},
    {"InvalidSecurityToken.Malformed", 400, "Specified SecurityToken is malformed.",
     "The STS security token is malformed.", C::kAuth},
    {"InvalidSecurityToken.MismatchWithAccessKey", 400,
     "Specified SecurityToken mismatch with the AccessKey.",
     "The STS security token does not belong to the AccessKeyId.", C::kAuth},
    {"MissingParameter", 400, "The input parameter \"%s\" that is mandatory for processing this request is not supplied.",
     "A required parameter is missing.", C::kBadRequest},
    {"InvalidAction.NotFound", 404, "Specified api is not found, please check your url and method.",
     "The action does not exist for this API version.", C::kBadRequest},
    {"InvalidVersion", 400, "Specified parameter Version is not valid.",
     "The Version parameter is not 2014-05-26.", C::kBadRequest},
    {"UnsupportedSignatureMethod", 400, "The signature method %s is not supported.",
     "SignatureMethod is not supported.", C::kBadRequest},
    {"Forbidden.RAM", 403, "User not authorized to operate on the specified resource.",
     "The RAM user lacks permission for this action.", C::kAuth},
    {"ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server.",
     "The service is temporarily unavailable.", C::kTransient},
    {"Throttling.User", 400, "Request was denied due to user flow control.",
     "Per-user request throttling.", C::kThrottled},
    {"Throttling.Api", 400, "Request was denied due to api flow control.",
     "Per-API request throttling.", C::kThrottled},
    {"InvalidInstanceId.MalFormed", 400, "The specified instance ID is malformed.",
     "The instance ID is not a valid ID.", C::kBadRequest},

    // --- ModifyInstanceSpec (pay-as-you-go counterpart), for PrePaid instances ---
    {"ChargeTypeViolation", 403, "The operation is not permitted due to charge type of the instance.",
     "ModifyInstanceSpec refuses subscription instances; use ModifyPrepayInstanceSpec.",
     C::kBlocked},
    {"InvalidInstanceStatus.NotStopped", 400, "The current status of the instance does not support this operation.",
     "ModifyInstanceSpec needs a Stopped instance.", C::kWrongState},
    {"CategoryViolation", 403, "The specified instance does not support this operation because of its disk category.",
     "Instances with local disks cannot change their type.", C::kBlocked},

    // --- STS (2015-04-01): AssumeRole, AssumeRoleWithOIDC ---
    {"NoPermission", 403, "You are not authorized to do this action. You should be authorized by RAM.",
     "The caller may not assume the role (the role's trust policy does not name it).", C::kAuth},
    {"EntityNotExist.Role", 404, "The role not exists: %s.", "The RoleArn names no role.", C::kAuth},
    {"InvalidParameter.DurationSeconds", 400, "The parameter DurationSeconds is out of range.",
     "DurationSeconds is below 900 or above the role's maximum session duration.", C::kBadRequest},
    {"AuthenticationFail.NoPermission", 401, "No such OIDC Provider registered.",
     "The OIDC provider is not registered or the role does not trust it.", C::kAuth},
    {"AuthenticationFail.OIDCToken.Invalid", 401, "The Jwt content is invalid that cannot be recognized.",
     "The OIDC token is not a JWT STS can read.", C::kAuth},
    {"AuthenticationFail.OIDCToken.Expired", 401, "This JsonWebToken is expired.",
     "The OIDC token has expired.", C::kAuth},
    {"AuthenticationFail.OIDCToken.AudienceNotMatch", 401, "Invalid audience.",
     "The token's audience is not a client ID of the OIDC provider.", C::kAuth},
    {"AuthenticationFail.OIDCToken.IssuerNotMatch", 401, "Invalid issuer.",
     "The token's issuer is not the OIDC provider's issuer URL.", C::kAuth},

    // --- Transport and response failures, produced locally by respec ---
    {"Transport.Timeout", 0, "The request timed out.",
     "No answer in time; the request may have been accepted.", C::kTransient},
    {"Transport.ConnectionFailed", 0, "The connection failed or was reset.",
     "The connection could not be made or was dropped.", C::kTransient},
    {"Transport.TLS", 0, "TLS verification failed.", "The peer certificate could not be verified.",
     C::kAuth},
    {"Response.Malformed", 0, "The response body is not the JSON the API returns.",
     "A malformed, truncated or non-JSON (e.g. an HTML proxy page) response.", C::kTransient},
    {"Credentials.Unavailable", 0, "No valid credentials could be obtained.",
     "The credentials provider failed (STS, the metadata service or a credentials URI refused or "
     "was unreachable) and no unexpired credentials were left.", C::kAuth},
    {"Response.MissingField", 0, "The response lacks a required field.",
     "A 200 response without RequestId or a required field.", C::kTransient},
    {"Response.MissingInstance", 0, "The answer left out an instance the request named.",
     "A StopInstances, StartInstances or RebootInstances answer had no InstanceResponse for one "
     "of its instances; the server may have acted on it, so respec re-reads it.",
     C::kTransient},

    // --- respec's own verdicts about an instance (src/apply/), never sent by
    // the API; tests/cloud/error_table_test.cc checks every "Respec." code
    // that src/ names has a row here ---
    {"Respec.StepTimeout", 0, "No effect of the step was observed within the step timeout.",
     "respec sent a stop, start, restart or order and, after the step timeout and one more read, "
     "the instance did not show its effect (or could not be read).",
     C::kTransient},
    {"Respec.OrderPending", 0, "The order was placed but its new type did not show in time.",
     "ModifyPrepayInstanceSpec returned an OrderId but DescribeInstances did not show the new "
     "type within the order deadline (60 s, six times the seeds' 5-10 s): typically an unpaid "
     "upgrade order (autoPay: false).",
     C::kQuotaOrBilling},
    {"Respec.TypeNotConfirmed", 0, "The new type did not show after the restart.",
     "A reboot: whenFinished upgrade of a Running instance: the new type did not show within "
     "20 s of the order, respec restarted the instance anyway, and the read after the restart "
     "still showed the old type.",
     C::kWrongState},
    {"Respec.LiveMismatch", 0, "After apply the instance is not in the state respec left it in.",
     "respec believed the instance done, but the read after its last action shows another type "
     "or power state (someone or something changed it meanwhile).",
     C::kWrongState},
    {"Respec.NotObserved", 0, "The final read did not show the instance.",
     "The batched DescribeInstances after respec's last action failed or did not return the "
     "instance, so nothing true can be said about it.",
     C::kTransient},
    {"Respec.JournalFailed", 0, "The call was not sent: the journal could not record it.",
     "respec sends an action only after its journal record is durable, so a crash can resume it "
     "safely; the journal write failed.",
     C::kTransient},
};

}  // namespace

std::span<const ErrorInfo> AllErrors() { return kErrors; }

const ErrorInfo* FindError(std::string_view code) {
  for (const auto& e : kErrors)
    if (e.code == code) return &e;
  return nullptr;
}

ErrorCategory CategorizeError(std::string_view code, int http_status) {
  if (const ErrorInfo* e = FindError(code)) return e->category;
  if (code.rfind("Throttling", 0) == 0 || http_status == 429) return C::kThrottled;
  if (http_status >= 500) return C::kTransient;
  return C::kUnknown;
}

const char* CategoryName(ErrorCategory c) {
  switch (c) {
    case C::kThrottled: return "throttled";
    case C::kOrderInProgress: return "order-in-progress";
    case C::kTransient: return "transient";
    case C::kWrongState: return "wrong-state";
    case C::kQuotaOrBilling: return "quota-or-billing";
    case C::kStock: return "stock";
    case C::kNotFound: return "not-found";
    case C::kBlocked: return "blocked";
    case C::kBadRequest: return "bad-request";
    case C::kAuth: return "auth";
    case C::kUnknown: return "unknown";
  }
  return "unknown";
}

bool IsRetryable(ErrorCategory c) {
  return c == C::kThrottled || c == C::kOrderInProgress || c == C::kTransient;
}

CloudError MakeCloudError(std::string code, std::string message, int http_status) {
  CloudError e;
  const ErrorInfo* info = FindError(code);
  e.category = CategorizeError(code, http_status);
  if (message.empty() && info && info->message != "%s") message = std::string(info->message);
  e.http_status = http_status ? http_status : (info ? info->http_status : 0);
  e.code = std::move(code);
  e.message = std::move(message);
  e.ambiguous = e.code == "Transport.Timeout" || e.code == "Transport.ConnectionFailed";
  return e;
}

std::string CloudError::Describe() const {
  std::string s = code;
  if (http_status) s += fmt::format(" (HTTP {})", http_status);
  if (!message.empty()) s += ": " + message;
  std::string ctx;
  auto add = [&](std::string_view k, const std::string& v) {
    if (v.empty()) return;
    if (!ctx.empty()) ctx += ", ";
    ctx += fmt::format("{}={}", k, v);
  };
  add("action", action);
  add("instance", instance_id);
  add("RequestId", request_id);
  if (!ctx.empty()) s += " [" + ctx + "]";
  return ForTerminal(s);  // code, message and RequestId come from the API
}

}  // namespace respec
