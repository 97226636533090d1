"""CommunityGate — 社区工作准入与民情服务平台 (Community Work Access and Residents' Affairs Platform)."""
