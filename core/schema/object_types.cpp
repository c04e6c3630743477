#include "core/schema/object_types.h"

namespace zra {
namespace {

using F = FieldType;
constexpr bool kReq = true;
constexpr bool kOpt = false;

FieldSpec field(std::string_view name, FieldType type, bool required, std::string_view description,
                Reference reference = Reference::None) {
  return FieldSpec{name, type, required, reference, description, {}};
}

std::vector<FieldSpec> contact_ref_items() {
  return {
      field("crm_contact_id", F::String, kReq, "Contact CRM ID reference.", Reference::Contact),
      field("contact_email", F::Email, kOpt, "Contact email address."),
      field("contact_name", F::String, kOpt, "Contact name."),
      field("home_phone", F::String, kOpt, "Contact home phone number, no format restrictions."),
      field("mobile_phone", F::String, kOpt, "Contact mobile phone number, no format restrictions."),
      field("other_phone", F::String, kOpt, "Contact other phone number, no format restrictions."),
      field("phone", F::String, kOpt, "Contact phone number, no format restrictions."),
  };
}

std::array<ObjectTypeSpec, 4> build_specs() {
  ObjectTypeSpec account{ObjectType::Account, "account", "accounts", "crm_account_id", "zra_account_id",
                         "crm_account_ids", "IMPORT_ACCOUNTS", {}, {}};
  account.fields = {
      field("crm_account_id", F::String, kReq, "CRM account ID."),
      field("account_name", F::String, kReq, "Customer account name."),
      field("modify_time", F::DateTime, kReq, "Modification time, ISO-8601."),
      field("annual_revenue", F::Number, kOpt, "Annual revenue."),
      field("create_time", F::DateTime, kOpt, "Creation time, ISO-8601."),
      field("deletion", F::Boolean, kOpt, "true: delete the record; only the id is required."),
      field("domain", F::String, kOpt, "Domain name of the customer account."),
      field("employees", F::Integer, kOpt, "Employees count."),
      field("industry", F::String, kOpt, "Industry type."),
      field("owner_email", F::Email, kOpt, "Owner's email address."),
      field("phone", F::String, kOpt, "Phone number, no format restrictions."),
      field("type", F::String, kOpt, "Type of customer account."),
  };

  ObjectTypeSpec contact{ObjectType::Contact, "contact", "contacts", "crm_contact_id", "zra_contact_id",
                         "crm_contact_ids", "IMPORT_CONTACTS", {ObjectType::Account}, {}};
  contact.fields = {
      field("crm_contact_id", F::String, kReq, "CRM contact ID."),
      field("contact_name", F::String, kReq, "Contact name."),
      field("modify_time", F::DateTime, kReq, "Modification time, ISO-8601."),
      field("contact_email", F::Email, kOpt, "Contact email address."),
      field("create_time", F::DateTime, kOpt, "Creation time, ISO-8601."),
      field("crm_account_id", F::String, kOpt, "CRM account ID reference.", Reference::Account),
      field("deletion", F::Boolean, kOpt, "true: delete the record; only the id is required."),
      field("department", F::String, kOpt, "Department."),
      field("home_phone", F::String, kOpt, "Home phone number, no format restrictions."),
      field("job_title", F::String, kOpt, "Job title."),
      field("mobile_phone", F::String, kOpt, "Mobile phone number, no format restrictions."),
      field("other_phone", F::String, kOpt, "Other phone number, no format restrictions."),
      field("owner_email", F::Email, kOpt, "Owner's email address."),
      field("phone", F::String, kOpt, "Phone number, no format restrictions."),
  };

  ObjectTypeSpec deal{ObjectType::Deal, "deal", "deals", "crm_deal_id", "zra_deal_id",
                      "crm_deal_ids", "IMPORT_DEALS", {ObjectType::Account, ObjectType::Contact}, {}};
  FieldSpec contacts = field("contacts", F::ObjectArray, kOpt, "References to CRM contacts.");
  contacts.items = contact_ref_items();
  deal.fields = {
      field("crm_account_id", F::String, kReq, "CRM account ID reference.", Reference::Account),
      field("crm_deal_id", F::String, kReq, "CRM deal ID."),
      field("deal_name", F::String, kReq, "Deal name."),
      field("modify_time", F::DateTime, kReq, "Modification time, ISO-8601."),
      field("owner_email", F::Email, kReq, "Owner's email address; must be a ZRA-licensed user."),
      field("stage", F::String, kReq, "Deal stage; one of the registered stages."),
      field("amount", F::Number, kOpt, "Deal amount."),
      field("close_date", F::Date, kOpt, "Closing date, ISO-8601 date."),
      contacts,
      field("create_time", F::DateTime, kOpt, "Creation time, ISO-8601."),
      field("deletion", F::Boolean, kOpt, "true: delete the record; only the id is required."),
      field("description", F::String, kOpt, "Description."),
      field("forecast_category", F::String, kOpt, "Forecast category."),
      field("is_private", F::Boolean, kOpt, "Whether the deal is private."),
      field("next_step", F::String, kOpt, "Next step."),
      field("probability", F::Number, kOpt, "Percentage of deal probability."),
      field("stage_modify_time", F::DateTime, kOpt, "Stage modification time, ISO-8601."),
      field("team_member_emails", F::EmailArray, kOpt, "Deal team members' email addresses."),
  };

  ObjectTypeSpec lead{ObjectType::Lead, "lead", "leads", "crm_lead_id", "zra_lead_id",
                      "crm_lead_ids", "IMPORT_LEADS", {}, {}};
  lead.fields = {
      field("crm_lead_id", F::String, kReq, "CRM lead ID."),
      field("lead_name", F::String, kReq, "Lead name."),
      field("modify_time", F::DateTime, kReq, "Modification time, ISO-8601."),
      field("company", F::String, kOpt, "Company of the lead."),
      field("create_time", F::DateTime, kOpt, "Creation time, ISO-8601."),
      field("deletion", F::Boolean, kOpt, "true: delete the record; only the id is required."),
      field("home_phone", F::String, kOpt, "Home phone number, no format restrictions."),
      field("job_title", F::String, kOpt, "Job title."),
      field("lead_email", F::Email, kOpt, "Email address."),
      field("mobile_phone", F::String, kOpt, "Mobile phone number, no format restrictions."),
      field("other_phone", F::String, kOpt, "Other phone number, no format restrictions."),
      field("owner_email", F::Email, kOpt, "Owner's email address."),
      field("phone", F::String, kOpt, "Phone number, no format restrictions."),
  };
  return {account, contact, deal, lead};
}

}  // namespace

const FieldSpec* ObjectTypeSpec::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const ObjectTypeSpec& object_spec(ObjectType type) {
  static const std::array<ObjectTypeSpec, 4> specs = build_specs();
  return specs[static_cast<size_t>(type)];
}

std::optional<ObjectType> parse_object_type(std::string_view name) {
  for (ObjectType t : kAllObjectTypes) {
    const auto& s = object_spec(t);
    if (name == s.name || name == s.plural) return t;
  }
  return std::nullopt;
}

std::string_view to_string(ObjectType type) { return object_spec(type).name; }

std::string_view to_string(FieldType type) {
  switch (type) {
    case F::String: return "string";
    case F::Email: return "email";
    case F::Number: return "number";
    case F::Integer: return "integer";
    case F::Boolean: return "boolean";
    case F::DateTime: return "date-time";
    case F::Date: return "date";
    case F::EmailArray: return "array of email";
    case F::ObjectArray: return "array of object";
  }
  return "?";
}

}  // namespace zra
