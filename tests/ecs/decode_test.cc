// Response decoding: the forms the real API sends, and every way a body can
// be wrong. Sample bodies follow the ECS API reference's response examples.
#include <catch2/catch.hpp>

#include "ecs/decode.h"

using namespace respec;
using namespace respec::ecs;

namespace {
RawResponse Ok(std::string body) { return RawResponse{200, std::move(body)}; }
CallInfo Call(std::string action, std::string instance = "") {
  return CallInfo{std::move(action), std::move(instance), "cn-hangzhou"};
}

const char* kDescribeInstances = R"({
  "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
  "TotalCount": 2, "PageNumber": 1, "PageSize": 10,
  "NextToken": "caeba0bbb2be03f84eb48b699f0a4883",
  "Instances": {"Instance": [
    {"InstanceId": "i-bp67acfmxazb4ph1", "RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-g",
     "InstanceType": "ecs.g5.large", "InstanceTypeFamily": "ecs.g5", "Status": "Running",
     "InstanceChargeType": "PrePaid", "ExpiredTime": "2027-01-10T04:04Z",
     "InstanceNetworkType": "vpc", "ImageId": "m-bp1abc", "InstanceName": "web-1",
     "Cpu": 2, "Memory": 8192,
     "EipAddress": {"IpAddress": "42.112.10.1", "AllocationId": "eip-1"},
     "Tags": {"Tag": [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": ""}]},
     "OperationLocks": {"LockReason": [{"LockReason": "financial"}]},
     "SomeFieldAddedIn2030": {"x": [1, 2, 3]}},
    {"InstanceId": "i-bp67acfmxazb4ph2", "InstanceType": "ecs.g5.xlarge", "Status": "Stopped",
     "Cpu": "4", "Tags": {}, "OperationLocks": {"LockReason": []}}
  ]}
})";
}  // namespace

TEST_CASE("DescribeInstances decodes every field respec uses") {
  auto r = DecodeDescribeInstances(Ok(kDescribeInstances), Call("DescribeInstances"));
  REQUIRE(r.ok());
  CHECK(r->request_id == "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E");
  CHECK(r->total_count == 2);
  CHECK(r->next_token == "caeba0bbb2be03f84eb48b699f0a4883");
  REQUIRE(r->instances.size() == 2);
  const Instance& a = r->instances[0];
  CHECK(a.id == "i-bp67acfmxazb4ph1");
  CHECK(a.zone == "cn-hangzhou-g");
  CHECK(a.type == "ecs.g5.large");
  CHECK(a.type_family == "ecs.g5");
  CHECK(a.status == "Running");
  CHECK(a.charge_type == "PrePaid");
  CHECK(a.expired_time == "2027-01-10T04:04Z");
  CHECK(a.network_type == "vpc");
  CHECK(a.image_id == "m-bp1abc");
  CHECK(a.eip_address == "42.112.10.1");
  CHECK(a.name == "web-1");
  CHECK(a.cpu == 2);
  CHECK(a.memory_mib == 8192);
  CHECK(a.tags == std::vector<Tag>{{"env", "prod"}, {"team", ""}});
  CHECK(a.lock_reasons == std::vector<std::string>{"financial"});
  const Instance& b = r->instances[1];
  CHECK(b.region == "cn-hangzhou");  // absent RegionId: the request's region
  CHECK(b.cpu == 4);                 // number sent as a string
  CHECK(b.tags.empty());
  CHECK(b.eip_address.empty());
}

TEST_CASE("DescribeInstances: an empty page and a lone object as a list") {
  auto r = DecodeDescribeInstances(Ok(R"({"RequestId":"r","Instances":{"Instance":[]},"TotalCount":0})"),
                                   Call("DescribeInstances"));
  REQUIRE(r.ok());
  CHECK(r->instances.empty());
  r = DecodeDescribeInstances(
      Ok(R"({"RequestId":"r","Instances":{"Instance":{"InstanceId":"i-1","Status":"Running","InstanceType":"t"}}})"),
      Call("DescribeInstances"));
  REQUIRE(r.ok());
  CHECK(r->instances.size() == 1);
}

TEST_CASE("Required fields are enforced with the field path") {
  auto r = DecodeDescribeInstances(Ok(R"({"Instances":{"Instance":[]}})"), Call("DescribeInstances"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.MissingField");
  CHECK(r.error().message.find("RequestId") != std::string::npos);
  CHECK(r.error().action == "DescribeInstances");
  CHECK(r.error().category == ErrorCategory::kTransient);

  r = DecodeDescribeInstances(Ok(R"({"RequestId":"r1"})"), Call("DescribeInstances"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.MissingField");
  CHECK(r.error().request_id == "r1");

  r = DecodeDescribeInstances(
      Ok(R"({"RequestId":"r","Instances":{"Instance":[{"InstanceId":"i-1","InstanceType":"t","Status":"Running"},{"InstanceId":"i-2","InstanceType":"t"}]}})"),
      Call("DescribeInstances"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.MissingField");
  CHECK(r.error().message.find("Instances.Instance[1].Status") != std::string::npos);

  r = DecodeDescribeInstances(
      Ok(R"({"RequestId":"r","Instances":{"Instance":[{"InstanceId":{"x":1},"InstanceType":"t","Status":"Running"}]}})"),
      Call("DescribeInstances"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.Malformed");
  CHECK(r.error().message.find("InstanceId is an object") != std::string::npos);

  r = DecodeDescribeInstances(Ok(R"({"RequestId":"r","Instances":{"Instance":"nope"}})"),
                              Call("DescribeInstances"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.Malformed");
}

TEST_CASE("OrderId as a string or as a number, every digit kept") {
  // English reference sample: "OrderId": "1234567890".
  auto r = DecodeModifyPrepay(Ok(R"({"RequestId":"04F0F334-1335-436C-A1D7-6C044FE73368","OrderId":"1234567890"})"),
                              Call("ModifyPrepayInstanceSpec", "i-1"));
  REQUIRE(r.ok());
  CHECK(r->order_id == "1234567890");
  CHECK(r->request_id == "04F0F334-1335-436C-A1D7-6C044FE73368");
  // Chinese reference sample: "OrderId": 1011111111111111 (a JSON number).
  r = DecodeModifyPrepay(Ok("{\n    \"RequestId\": \"04F0F334-1335-436C-A1D7-6C044FE73368\",\n    \"OrderId\": 1011111111111111\n}"),
                         Call("ModifyPrepayInstanceSpec", "i-1"));
  REQUIRE(r.ok());
  CHECK(r->order_id == "1011111111111111");
  // The Chinese reference's field example 1111111111111111111111110 as a
  // number exceeds 64 bits; a double would round it.
  r = DecodeModifyPrepay(Ok(R"({"RequestId":"x","OrderId":1111111111111111111111110})"),
                         Call("ModifyPrepayInstanceSpec", "i-1"));
  REQUIRE(r.ok());
  CHECK(r->order_id == "1111111111111111111111110");
  // Missing OrderId is an error, not an empty ID.
  r = DecodeModifyPrepay(Ok(R"({"RequestId":"x"})"), Call("ModifyPrepayInstanceSpec", "i-1"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Response.MissingField");
  CHECK(r.error().instance_id == "i-1");
  r = DecodeModifyPrepay(Ok(R"({"RequestId":"x","OrderId":""})"), Call("ModifyPrepayInstanceSpec", "i-1"));
  CHECK(r.error().code == "Response.MissingField");
}

TEST_CASE("Error bodies become typed CloudErrors") {
  RawResponse raw{400, R"({"RequestId":"E1","HostId":"ecs.aliyuncs.com","Code":"Throttling","Message":"Request was denied due to request throttling.","Recommend":"https://api.aliyun.com/troubleshoot?q=Throttling"})"};
  auto r = DecodeAck(raw, Call("StopInstance", "i-9"));
  REQUIRE_FALSE(r.ok());
  const CloudError& e = r.error();
  CHECK(e.code == "Throttling");
  CHECK(e.category == ErrorCategory::kThrottled);
  CHECK(e.http_status == 400);
  CHECK(e.request_id == "E1");
  CHECK(e.action == "StopInstance");
  CHECK(e.instance_id == "i-9");
  CHECK(e.message == "Request was denied due to request throttling.");

  raw = {403, R"({"RequestId":"E2","Code":"InvalidStatus.NotStopped","Message":"Instance status must be stopped."})"};
  auto m = DecodeModifyPrepay(raw, Call("ModifyPrepayInstanceSpec", "i-9"));
  CHECK(m.error().category == ErrorCategory::kWrongState);
  CHECK(m.error().http_status == 403);

  // Unknown code: categorised by status.
  raw = {503, R"({"RequestId":"E3","Code":"Something.New","Message":"?"})"};
  CHECK(DecodeAck(raw, Call("StartInstance")).error().category == ErrorCategory::kTransient);
  raw = {400, R"({"RequestId":"E4","Code":"Something.New"})"};
  CHECK(DecodeAck(raw, Call("StartInstance")).error().category == ErrorCategory::kUnknown);
  // An error status without a Code is malformed, keeping the status.
  raw = {500, R"({"RequestId":"E5"})"};
  auto x = DecodeAck(raw, Call("StartInstance"));
  CHECK(x.error().code == "Response.Malformed");
  CHECK(x.error().http_status == 500);
  CHECK(x.error().request_id == "E5");
}

TEST_CASE("Bodies that are not JSON never crash and never default") {
  struct Case {
    int status;
    std::string body;
  };
  const Case cases[] = {
      {502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
      {200, "<?xml version=\"1.0\"?><ModifyPrepayInstanceSpecResponse/>"},
      {200, R"({"RequestId":"04F0F334","OrderId":"12)"},  // truncated
      {200, ""},
      {200, "   \n"},
      {200, "null"},
      {200, "[1,2,3]"},
      {200, "\"just a string\""},
      {200, "{\"RequestId\": \"a\", \"OrderId\": \"b\"} trailing"},
      {200, std::string(200, '[')},
      {200, "\xff\xfe{\"RequestId\":1}"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto r = DecodeModifyPrepay(RawResponse{c.status, c.body}, Call("ModifyPrepayInstanceSpec", "i-1"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Response.Malformed");
    CHECK(r.error().category == ErrorCategory::kTransient);
    CHECK(r.error().action == "ModifyPrepayInstanceSpec");
    CHECK(r.error().http_status == c.status);
  }
  auto html = DecodeAck(RawResponse{502, "<html>Bad Gateway</html>"}, Call("StopInstance"));
  CHECK(html.error().message.find("HTML") != std::string::npos);
  CHECK(html.error().message.find("Format=JSON") != std::string::npos);
}

TEST_CASE("DescribeInstanceTypes, DescribeResourcesModification and the price") {
  auto t = DecodeDescribeInstanceTypes(
      Ok(R"({"RequestId":"r","NextToken":"n2","InstanceTypes":{"InstanceType":[
        {"InstanceTypeId":"ecs.g7.xlarge","InstanceTypeFamily":"ecs.g7","CpuCoreCount":4,"MemorySize":16.0},
        {"InstanceTypeId":"ecs.i3.xlarge","InstanceTypeFamily":"ecs.i3","CpuCoreCount":4,"MemorySize":32,
         "LocalStorageCategory":"local_ssd_pro","LocalStorageAmount":1}]}})"),
      Call("DescribeInstanceTypes"));
  REQUIRE(t.ok());
  REQUIRE(t->types.size() == 2);
  CHECK(t->next_token == "n2");
  CHECK(t->types[0].memory_gib == 16.0);
  CHECK(t->types[1].local_storage_category == "local_ssd_pro");
  CHECK(t->types[1].local_storage_amount == 1);

  auto m = DecodeResourcesModification(
      Ok(R"({"RequestId":"r","AvailableZones":{"AvailableZone":[{"ZoneId":"cn-hangzhou-e","RegionId":"cn-hangzhou",
        "Status":"Available","StatusCategory":"WithStock","AvailableResources":{"AvailableResource":[
        {"Type":"InstanceType","SupportedResources":{"SupportedResource":[
          {"Value":"ecs.g5.xlarge","Status":"Available","StatusCategory":"WithStock"},
          {"Value":"ecs.g5.2xlarge","Status":"SoldOut","StatusCategory":"WithoutStock"}]}},
        {"Type":"SystemDisk","SupportedResources":{"SupportedResource":[{"Value":"cloud_ssd"}]}}]}}]}})"),
      Call("DescribeResourcesModification", "i-1"));
  REQUIRE(m.ok());
  CHECK(m->zone == "cn-hangzhou-e");
  REQUIRE(m->candidates.size() == 2);
  CHECK(m->candidates[1].type == "ecs.g5.2xlarge");
  CHECK(m->candidates[1].status == "SoldOut");
  CHECK(m->candidates[1].status_category == "WithoutStock");
  auto empty = DecodeResourcesModification(Ok(R"({"RequestId":"r"})"), Call("DescribeResourcesModification"));
  REQUIRE(empty.ok());
  CHECK(empty->candidates.empty());

  auto p = DecodeModificationPrice(
      Ok(R"({"RequestId":"r","PriceInfo":{"Price":{"OriginalPrice":1000.5,"DiscountPrice":200,"TradePrice":"800.5","Currency":"CNY"},"Rules":{"Rule":[]}}})"),
      Call("DescribeInstanceModificationPrice", "i-1"));
  REQUIRE(p.ok());
  CHECK(p->original == 1000.5);
  CHECK(p->trade == 800.5);
  CHECK(p->currency == "CNY");
  auto np = DecodeModificationPrice(Ok(R"({"RequestId":"r","PriceInfo":{}})"),
                                    Call("DescribeInstanceModificationPrice", "i-1"));
  CHECK(np.error().code == "Response.MissingField");
}
