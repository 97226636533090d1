"""Purchase of services (政府购买服务): contracts between a department or subdistrict and a social
organisation, their instalments and acceptance, and the work redirected to them (docs/funding.md)."""
