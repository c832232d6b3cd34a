// HubSpot identifies standard objects by type id in the card context; the backend contract
// uses the singular names.
const TYPE_BY_ID = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal' };

export const objectTypeOf = (objectTypeId) => TYPE_BY_ID[objectTypeId] ?? null;

export const COMPANY_TYPE_ID = '0-2';

// Deal-to-company association type 5 is HubSpot's "Primary" company of a deal.
const PRIMARY_DEAL_TO_COMPANY = 5;

const isPrimary = (association) =>
  association.associationTypes.some((t) => t.typeId === PRIMARY_DEAL_TO_COMPANY || t.label === 'Primary');

// The primary company's firmographics let the backend rank references for the deal.
export function matchHints(companyAssociations) {
  const company = companyAssociations.find(isPrimary) ?? companyAssociations[0];
  if (!company) return {};
  const { industry, numberofemployees } = company.properties;
  const size = Number.parseInt(numberofemployees ?? '', 10);
  return {
    ...(industry ? { industry } : {}),
    ...(Number.isInteger(size) && size >= 0 ? { companySize: size } : {}),
  };
}
