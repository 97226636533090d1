"""Illustrative demo data for CommunityGate (青岛市市北区 社区工作准入制度).

Everything in this module is ILLUSTRATIVE DEMO DATA, built for demonstrations and tests:

* the district, its 22 subdistricts and their NBS codes are real (research notes DOMAIN.md §2.2);
* the communities are named after roads and places of the area, but their names, codes and
  parents are NOT verified (every community carries ``illustrative=True``); a few names and
  code suffixes under 延安路街道 come from a c.2010 source, and 商邱路社区 / 伊春路社区 are the
  two communities named in the 2014 report, placed under 洛阳路街道 / 敦化路街道;
* the 2014 survey reproduces the published totals (475 items = 151 statutory + 232 delegated +
  40 certificate + 52 evaluation; 97 plaques; 249 ledgers), but the individual items, ledgers
  and plaques are realistic examples, not the original list;
* the reform (55 statutory tasks, 6 funded delegated tasks, 5 certificates) likewise keeps the
  published counts; which items were kept, and the funding amounts, are illustrative;
* department names are generic district-level names, not Shibei's exact organisation chart;
* the social organisations are fictional.

No real person's name appears anywhere. The module is plain Python (no Django), has no
randomness and builds every tuple deterministically at import time.
"""

from dataclasses import dataclass

__all__ = [
    "CERTIFICATES_ALLOWED",
    "CERTIFICATES_FORBIDDEN",
    "COMMUNITIES",
    "DEPARTMENTS",
    "DISTRICT",
    "LEDGERS",
    "NEGATIVE_LIST",
    "OTHER_BODIES",
    "PLAQUES",
    "REFORMED_CERTIFICATES",
    "REFORMED_DELEGATED",
    "REFORMED_STATUTORY",
    "SUBDISTRICTS",
    "SURVEY_ITEMS",
    "CertificateSpec",
    "ItemSpec",
    "LedgerSpec",
    "NegativeSpec",
    "OrgSpec",
    "PlaqueSpec",
    "ReformedDelegated",
]


# ------------------------------------------------------------------------------------------------
# Record types
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    """An organisation of the demo tree (district, subdistrict, community, department …)."""

    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    illustrative: bool


@dataclass(frozen=True)
class LedgerSpec:
    """A ledger (台账) a community had to keep; ``medium`` is paper, electronic or both."""

    code: str
    name: str
    medium: str
    department: str


@dataclass(frozen=True)
class PlaqueSpec:
    """An organisational body whose plaque (牌子) hung at the community."""

    code: str
    name: str
    department: str


@dataclass(frozen=True)
class NegativeSpec:
    """Work that may never be given to communities (负面清单)."""

    code: str
    name: str
    reason: str
    basis: str


@dataclass(frozen=True)
class CertificateSpec:
    """A certificate a residents' committee may, or may no longer, issue."""

    code: str
    name: str
    basis: str
    note: str


@dataclass(frozen=True)
class ItemSpec:
    """One work item of the 2014 survey (475 in all)."""

    code: str
    name: str
    item_class: str
    domain: str
    legal_basis: str
    department: str
    community_duty: str
    frequency: str
    estimated_hours: int
    funding: str | None
    ledgers: tuple[str, ...]
    plaques: tuple[str, ...]


@dataclass(frozen=True)
class ReformedDelegated:
    """A delegated task kept after the reform, now funded by the delegating department."""

    code: str
    funding: str
    department: str


# ------------------------------------------------------------------------------------------------
# Raw tables (plain literals; turned into the exported tuples by the builders at the bottom)
# ------------------------------------------------------------------------------------------------

type _NamePair = tuple[str, str]  # (Chinese stem, English stem)
# (name, community duty: a key of _DUTY or a full sentence, frequency, hours, ledgers, plaque)
type _Row = tuple[str, str, str, int, tuple[str, ...], str]
# (domain, department code, legal basis, rows)
type _Group = tuple[str, str, str, tuple[_Row, ...]]

_DISTRICT_CODE = "370203"

# DOMAIN.md §2.2 (NBS 统计用区划代码, 2022) — verified.
_SUBDISTRICT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("370203005", "辽宁路街道", "Liaoning Road Subdistrict"),
    ("370203008", "延安路街道", "Yan'an Road Subdistrict"),
    ("370203011", "登州路街道", "Dengzhou Road Subdistrict"),
    ("370203013", "宁夏路街道", "Ningxia Road Subdistrict"),
    ("370203014", "敦化路街道", "Dunhua Road Subdistrict"),
    ("370203015", "辽源路街道", "Liaoyuan Road Subdistrict"),
    ("370203016", "合肥路街道", "Hefei Road Subdistrict"),
    ("370203019", "大港街道", "Dagang Subdistrict"),
    ("370203020", "即墨路街道", "Jimo Road Subdistrict"),
    ("370203021", "台东街道", "Taidong Subdistrict"),
    ("370203022", "镇江路街道", "Zhenjiang Road Subdistrict"),
    ("370203025", "浮山新区街道", "Fushan New Area Subdistrict"),
    ("370203026", "阜新路街道", "Fuxin Road Subdistrict"),
    ("370203027", "海伦路街道", "Hailun Road Subdistrict"),
    ("370203028", "四方街道", "Sifang Subdistrict"),
    ("370203029", "兴隆路街道", "Xinglong Road Subdistrict"),
    ("370203030", "水清沟街道", "Shuiqinggou Subdistrict"),
    ("370203031", "洛阳路街道", "Luoyang Road Subdistrict"),
    ("370203032", "河西街道", "Hexi Subdistrict"),
    ("370203033", "湖岛街道", "Hudao Subdistrict"),
    ("370203034", "开平路街道", "Kaiping Road Subdistrict"),
    ("370203035", "双山街道", "Shuangshan Subdistrict"),
)

# Communities per subdistrict: (stem, English stem); "社区" / " Community" are appended.
# Illustrative: named after roads and places of the area, not taken from an official list.
_COMMUNITY_ROWS: tuple[tuple[str, tuple[_NamePair, ...]], ...] = (
    (
        "370203005",
        (
            ("辽宁路", "Liaoning Road"),
            ("热河路", "Rehe Road"),
            ("吉林路", "Jilin Road"),
            ("长春路", "Changchun Road"),
            ("无棣路", "Wudi Road"),
            ("市场三路", "Shichang 3rd Road"),
            ("锦州路", "Jinzhou Road"),
        ),
    ),
    (
        "370203008",
        (
            ("上清路", "Shangqing Road"),
            ("明霞路", "Mingxia Road"),
            ("延安二路", "Yan'an 2nd Road"),
            ("松江路", "Songjiang Road"),
            ("延安一路", "Yan'an 1st Road"),
            ("芙蓉路", "Furong Road"),
            ("丰盛路", "Fengsheng Road"),
        ),
    ),
    (
        "370203011",
        (
            ("登州路", "Dengzhou Road"),
            ("延安三路", "Yan'an 3rd Road"),
            ("昌乐路", "Changle Road"),
            ("寿光路", "Shouguang Road"),
            ("临朐路", "Linqu Road"),
            ("安丘路", "Anqiu Road"),
            ("诸城路", "Zhucheng Road"),
        ),
    ),
    (
        "370203013",
        (
            ("宁夏路", "Ningxia Road"),
            ("太清路", "Taiqing Road"),
            ("西仲一路", "Xizhong 1st Road"),
            ("台湛路", "Taizhan Road"),
            ("南九水路", "Nanjiushui Road"),
            ("云溪路", "Yunxi Road"),
            ("南京路", "Nanjing Road"),
        ),
    ),
    (
        "370203014",
        (
            ("敦化路", "Dunhua Road"),
            ("伊春路", "Yichun Road"),
            ("延吉路", "Yanji Road"),
            ("连云港路", "Lianyungang Road"),
            ("徐州路", "Xuzhou Road"),
            ("桦川路", "Huachuan Road"),
            ("宁安路", "Ning'an Road"),
        ),
    ),
    (
        "370203015",
        (
            ("辽源路", "Liaoyuan Road"),
            ("通化路", "Tonghua Road"),
            ("四平路", "Siping Road"),
            ("桓仁路", "Huanren Road"),
            ("安图路", "Antu Road"),
            ("汪清路", "Wangqing Road"),
            ("和龙路", "Helong Road"),
        ),
    ),
    (
        "370203016",
        (
            ("合肥路", "Hefei Road"),
            ("洪山坡", "Hongshanpo"),
            ("错埠岭", "Cuobuling"),
            ("安庆路", "Anqing Road"),
            ("淮北路", "Huaibei Road"),
            ("六安路", "Lu'an Road"),
            ("宣城路", "Xuancheng Road"),
        ),
    ),
    (
        "370203019",
        (
            ("普吉", "Puji"),
            ("华阳路", "Huayang Road"),
            ("馆陶路", "Guantao Road"),
            ("冠县路", "Guanxian Road"),
            ("莘县路", "Shenxian Road"),
            ("堂邑路", "Tangyi Road"),
            ("商河路", "Shanghe Road"),
        ),
    ),
    (
        "370203020",
        (
            ("即墨路", "Jimo Road"),
            ("小港", "Xiaogang"),
            ("上海路", "Shanghai Road"),
            ("胶州路", "Jiaozhou Road"),
            ("海泊路", "Haibo Road"),
            ("易州路", "Yizhou Road"),
            ("博山路", "Boshan Road"),
        ),
    ),
    (
        "370203021",
        (
            ("台东一路", "Taidong 1st Road"),
            ("台东六路", "Taidong 6th Road"),
            ("威海路", "Weihai Road"),
            ("长兴路", "Changxing Road"),
            ("顺兴路", "Shunxing Road"),
            ("人和路", "Renhe Road"),
            ("东山路", "Dongshan Road"),
            ("姜沟路", "Jianggou Road"),
        ),
    ),
    (
        "370203022",
        (
            ("镇江路", "Zhenjiang Road"),
            ("扬州路", "Yangzhou Road"),
            ("泰州路", "Taizhou Road"),
            ("常州路", "Changzhou Road"),
            ("盐城路", "Yancheng Road"),
            ("淮安路", "Huai'an Road"),
            ("宿迁路", "Suqian Road"),
        ),
    ),
    (
        "370203025",
        (
            ("同安路", "Tong'an Road"),
            ("福州北路", "Fuzhou North Road"),
            ("龙岩路", "Longyan Road"),
            ("宁化路", "Ninghua Road"),
            ("永安路", "Yong'an Road"),
            ("连城路", "Liancheng Road"),
            ("建宁路", "Jianning Road"),
        ),
    ),
    (
        "370203026",
        (
            ("阜新路", "Fuxin Road"),
            ("鞍山二路", "Anshan 2nd Road"),
            ("抚顺路", "Fushun Road"),
            ("本溪路", "Benxi Road"),
            ("铁岭路", "Tieling Road"),
            ("营口路", "Yingkou Road"),
            ("盘锦路", "Panjin Road"),
        ),
    ),
    (
        "370203027",
        (
            ("海伦路", "Hailun Road"),
            ("四流南路", "Siliu South Road"),
            ("嘉兴路", "Jiaxing Road"),
            ("湖州路", "Huzhou Road"),
            ("绍兴路", "Shaoxing Road"),
            ("衢州路", "Quzhou Road"),
            ("丽水路", "Lishui Road"),
        ),
    ),
    (
        "370203028",
        (
            ("杭州路", "Hangzhou Road"),
            ("瑞昌路", "Ruichang Road"),
            ("萍乡路", "Pingxiang Road"),
            ("南昌路", "Nanchang Road"),
            ("九江路", "Jiujiang Road"),
            ("赣州路", "Ganzhou Road"),
            ("上饶路", "Shangrao Road"),
        ),
    ),
    (
        "370203029",
        (
            ("兴隆路", "Xinglong Road"),
            ("重庆南路", "Chongqing South Road"),
            ("宜宾路", "Yibin Road"),
            ("泸州路", "Luzhou Road"),
            ("内江路", "Neijiang Road"),
            ("自贡路", "Zigong Road"),
            ("遂宁路", "Suining Road"),
        ),
    ),
    (
        "370203030",
        (
            ("水清沟", "Shuiqinggou"),
            ("北岭", "Beiling"),
            ("大沙路", "Dasha Road"),
            ("襄阳路", "Xiangyang Road"),
            ("宜昌路", "Yichang Road"),
            ("黄石路", "Huangshi Road"),
            ("荆州路", "Jingzhou Road"),
        ),
    ),
    (
        "370203031",
        (
            ("洛阳路", "Luoyang Road"),
            ("商邱路", "Shangqiu Road"),
            ("郑州路", "Zhengzhou Road"),
            ("开封路", "Kaifeng Road"),
            ("许昌路", "Xuchang Road"),
            ("新乡路", "Xinxiang Road"),
            ("安阳路", "Anyang Road"),
            ("南阳路", "Nanyang Road"),
        ),
    ),
    (
        "370203032",
        (
            ("河西", "Hexi"),
            ("双元路", "Shuangyuan Road"),
            ("宝鸡路", "Baoji Road"),
            ("汉中路", "Hanzhong Road"),
            ("咸阳路", "Xianyang Road"),
            ("铜川路", "Tongchuan Road"),
        ),
    ),
    (
        "370203033",
        (
            ("湖岛", "Hudao"),
            ("长治路", "Changzhi Road"),
            ("晋城路", "Jincheng Road"),
            ("临汾路", "Linfen Road"),
            ("运城路", "Yuncheng Road"),
            ("大同路", "Datong Road"),
        ),
    ),
    (
        "370203034",
        (
            ("开平路", "Kaiping Road"),
            ("唐山路", "Tangshan Road"),
            ("邯郸路", "Handan Road"),
            ("邢台路", "Xingtai Road"),
            ("保定路", "Baoding Road"),
            ("沧州路", "Cangzhou Road"),
        ),
    ),
    (
        "370203035",
        (
            ("双山", "Shuangshan"),
            ("长沙路", "Changsha Road"),
            ("株洲路", "Zhuzhou Road"),
            ("衡阳路", "Hengyang Road"),
            ("岳阳路", "Yueyang Road"),
            ("常德路", "Changde Road"),
            ("益阳路", "Yiyang Road"),
        ),
    ),
)

# Community code suffixes seen in a c.2010 source (DOMAIN.md §2.3); others are numbered in order.
_KNOWN_COMMUNITY_SUFFIX: dict[str, int] = {
    "上清路社区": 2,
    "明霞路社区": 3,
    "延安二路社区": 6,
    "松江路社区": 7,
    "延安一路社区": 12,
}

# District-level departments (generic names, DOMAIN.md §1.5): (code, name, English name).
_DEPARTMENT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("DEPT-ZZ", "区委组织部", "Organization Department of the District Party Committee"),
    ("DEPT-XC", "区委宣传部", "Publicity Department of the District Party Committee"),
    (
        "DEPT-ZF",
        "区委政法委",
        "Political and Legal Affairs Commission of the District Party Committee",
    ),
    ("DEPT-SG", "区委社会工作部", "Social Work Department of the District Party Committee"),
    ("DEPT-JW", "区纪委监委", "District Commission for Discipline Inspection and Supervision"),
    ("DEPT-MZ", "区民政局", "District Civil Affairs Bureau"),
    ("DEPT-WJ", "区卫生健康局", "District Health Bureau"),
    ("DEPT-RS", "区人力资源社会保障局", "District Human Resources and Social Security Bureau"),
    ("DEPT-CG", "区城市管理局", "District Urban Management Bureau"),
    ("DEPT-ZJ", "区住房和城乡建设局", "District Housing and Urban-Rural Development Bureau"),
    ("DEPT-SF", "区司法局", "District Justice Bureau"),
    ("DEPT-YJ", "区应急管理局", "District Emergency Management Bureau"),
    ("DEPT-FR", "区消防救援大队", "District Fire and Rescue Brigade"),
    ("DEPT-TY", "区退役军人事务局", "District Veterans Affairs Bureau"),
    ("DEPT-CL", "区残联", "District Disabled Persons' Federation"),
    ("DEPT-TJ", "区统计局", "District Statistics Bureau"),
    ("DEPT-WL", "区文化和旅游局", "District Culture and Tourism Bureau"),
    ("DEPT-JT", "区教育和体育局", "District Education and Sports Bureau"),
    ("DEPT-SJ", "区市场监督管理局", "District Market Supervision Administration"),
    ("DEPT-GA", "青岛市公安局市北分局", "Shibei Branch of the Qingdao Public Security Bureau"),
    ("DEPT-YB", "区医疗保障局", "District Healthcare Security Bureau"),
    ("DEPT-FL", "区妇联", "District Women's Federation"),
    ("DEPT-TW", "团区委", "District Committee of the Communist Youth League"),
    ("DEPT-GH", "区总工会", "District Federation of Trade Unions"),
    ("DEPT-WZ", "区人民武装部", "District People's Armed Forces Department"),
    ("DEPT-KX", "区科学技术协会", "District Association for Science and Technology"),
    ("DEPT-FY", "区人民法院", "District People's Court"),
)

# Legal and policy bases (titles only; article numbers deliberately omitted).
_LAW_RC = "《中华人民共和国城市居民委员会组织法》"
_PARTY = "《中国共产党章程》"
_PARTY_DEV = "《中国共产党发展党员工作细则》"
_PARTY_ELECT = "《中国共产党基层组织选举工作暂行条例》"
_MASS_LINE = "《中共中央关于在全党深入开展党的群众路线教育实践活动的意见》"
_SOC_ASSIST = "《社会救助暂行办法》"
_ELDERLY = "《中华人民共和国老年人权益保障法》"
_MINORS = "《中华人民共和国未成年人保护法》"
_VAGRANTS = "《城市生活无着的流浪乞讨人员救助管理办法》"
_FUNERAL = "《殡葬管理条例》"
_DONATION = "《中华人民共和国公益事业捐赠法》"
_PLACE_CENSUS = "《国务院关于开展第二次全国地名普查的通知》"
_PLACE_NAMES = "《地名管理条例》"
_PROPERTY = "《物业管理条例》"
_REPAIR_FUND = "《住宅专项维修资金管理办法》"
_EPIDEMIC = "《中华人民共和国传染病防治法》"
_POPULATION = "《中华人民共和国人口与计划生育法》"
_POPULATION_SD = "《山东省人口与计划生育条例》"
_MIGRANT_FP = "《流动人口计划生育工作条例》"
_MENTAL = "《中华人民共和国精神卫生法》"
_PHS = "《国家基本公共卫生服务规范（2011年版）》"
_PATRIOTIC = "《国务院关于进一步加强新时期爱国卫生工作的意见》"
_SMOKING = "《公共场所卫生管理条例实施细则》"
_BLOOD = "《中华人民共和国献血法》"
_GREENING = "《城市绿化条例》"
_CITY_SANITATION = "《城市市容和环境卫生管理条例》"
_PLANNING = "《中华人民共和国城乡规划法》"
_SOLID_WASTE = "《中华人民共和国固体废物污染环境防治法》"
_DANGEROUS_HOUSES = "《城市危险房屋管理规定》"
_PUBLIC_RENTAL = "《公共租赁住房管理办法》"
_LOW_RENT = "《廉租住房保障办法》"
_EXPROPRIATION = "《国有土地上房屋征收与补偿条例》"
_GAS = "《城镇燃气管理条例》"
_EMPLOYMENT = "《中华人民共和国就业促进法》"
_SOCIAL_INSURANCE = "《中华人民共和国社会保险法》"
_LABOUR_INSPECTION = "《劳动保障监察条例》"
_TRADE_UNION = "《中华人民共和国工会法》"
_MEDIATION = "《中华人民共和国人民调解法》"
_CORRECTION = "《社区矫正实施办法》"
_RESETTLEMENT = "《关于进一步加强刑满释放解除劳教人员安置帮教工作的意见》"
_NARCOTICS = "《中华人民共和国禁毒法》"
_FIRE = "《中华人民共和国消防法》"
_EMERGENCY = "《中华人民共和国突发事件应对法》"
_PETITIONS = "《信访条例》"
_RENTAL_SECURITY = "《租赁房屋治安管理规定》"
_WORK_SAFETY = "《中华人民共和国安全生产法》"
_FLOOD = "《中华人民共和国防汛条例》"
_AIR_DEFENCE = "《中华人民共和国人民防空法》"
_LEGAL_AID = "《法律援助条例》"
_LEGAL_EDUCATION = "《中央宣传部、司法部关于在公民中开展法制宣传教育的第六个五年规划》"
_JURORS = "《全国人民代表大会常务委员会关于完善人民陪审员制度的决定》"
_INNER_SUPERVISION = "《中国共产党党内监督条例（试行）》"
_CLEAN_RESPONSIBILITY = "《关于实行党风廉政建设责任制的规定》"
_EIGHT_RULES = "《十八届中央政治局关于改进工作作风、密切联系群众的八项规定》"
_PUBLIC_CULTURE = "《关于加强公共文化服务体系建设的若干意见》"
_FITNESS = "《全民健身条例》"
_HERITAGE = "《中华人民共和国非物质文化遗产法》"
_MIL_PENSIONS = "《军人抚恤优待条例》"
_MIL_SERVICE = "《中华人民共和国兵役法》"
_MILITIA = "《民兵工作条例》"
_DEFENCE_EDU = "《中华人民共和国国防教育法》"
_DISABLED = "《中华人民共和国残疾人保障法》"
_WOMEN = "《中华人民共和国妇女权益保障法》"
_CIVIL_PROCEDURE = "《中华人民共和国民事诉讼法》"
_STATISTICS = "《中华人民共和国统计法》"
_CENSUS = "《全国人口普查条例》"
_ECON_CENSUS = "《全国经济普查条例》"
_FOOD_SAFETY = "《中华人民共和国食品安全法》"
_SELF_EMPLOYED = "《个体工商户条例》"
_CONSUMERS = "《中华人民共和国消费者权益保护法》"
_COMPULSORY_EDU = "《中华人民共和国义务教育法》"
_COURT_FEES = "《诉讼费用交纳办法》"
_HOUSEHOLD_REG = "《中华人民共和国户口登记条例》"
_DISASTER_STD = "《全国综合减灾示范社区标准》"
_DEPT_ONLY = "部门工作安排（无法律法规依据）"
_DEPT_CERT = "部门办事要求（无法律法规依据）"
_DEPT_EVAL = "部门创建评比方案（未经准入）"

# Standard "what the community does" sentences; a row may also give its own sentence.
_DUTY: dict[str, str] = {
    "宣传": "社区张贴宣传材料、入户发放资料，开展政策宣传和动员。",
    "采集": "社区入户采集相关信息，登记造册并录入系统。",
    "摸排": "社区开展摸底排查，发现情况及时登记并上报街道和主管部门。",
    "受理": "社区受理居民申请，初审材料后转交街道或主管部门办理。",
    "核查": "社区配合主管部门入户核查，如实反映居民家庭情况。",
    "公示": "社区在居务公开栏公示相关信息，收集居民意见并反馈。",
    "活动": "社区组织居民开展相关活动，做好记录和总结。",
    "会议": "社区召集会议，组织讨论并形成决议和会议记录。",
    "走访": "社区工作人员定期入户走访，记录情况并跟进帮扶。",
    "上报": "社区按要求填报报表和信息，按期报送主管部门。",
    "服务": "社区提供咨询和代办服务，协助居民办理相关手续。",
    "管理": "社区落实专人负责日常管理，建立制度并做好记录。",
    "监督": "社区组织居民代表开展监督，发现问题及时反映。",
    "培训": "社区组织人员参加培训，做好通知和签到登记。",
    "检查": "社区配合主管部门开展检查，做好陪同、记录和整改督促。",
    "普查": "社区配合普查机构入户登记，协助核对和复查。",
    "证明": "社区核实情况后出具书面证明并加盖社区印章。",
    "核实证明": "社区入户或走访邻里核实情况后出具证明并盖章。",
    "盖章": "社区审核居民提交的表格材料，签注意见并加盖公章。",
    "创建": "社区按创建标准整理材料、整改达标并迎接检查验收。",
    "考核": "社区按考核细则整理台账资料，迎接考核检查。",
    "评选": "社区组织推荐申报，整理事迹材料参加评选。",
    "选举": "社区依法组织选民登记、候选人推选和投票选举。",
    "调解": "社区人民调解委员会受理和调解纠纷，记录调解情况。",
}

_FREQUENCIES = ("ongoing", "yearly", "quarterly", "monthly", "weekly", "ad_hoc")
_DOMAINS = (
    "party_building",
    "civil_affairs",
    "health",
    "urban_management",
    "labour",
    "stability",
    "justice",
    "clean_government",
    "culture",
    "veterans",
    "disability",
    "other",
)

# ---- 2014 survey, class "statutory" (151): the committee's own, legally required work -----------

_STATUTORY: tuple[_Group, ...] = (
    (
        "party_building",
        "DEPT-ZZ",
        _PARTY,
        (
            (
                "组织开展社区党员“三会一课”",
                "组织召开支部党员大会、支委会、党小组会和上党课，做好记录。",
                "monthly",
                96,
                ("三会一课记录本",),
                "社区党委",
            ),
            ("开展社区党员教育培训", "培训", "quarterly", 40, ("党员教育培训台账",), ""),
            ("组织开展主题党日活动", "活动", "monthly", 48, ("主题党日活动记录",), ""),
            (
                "开展民主评议党员",
                "组织党员开展民主评议，汇总评议结果报街道党工委。",
                "yearly",
                16,
                ("民主评议党员登记表",),
                "",
            ),
            ("召开社区党组织专题组织生活会", "会议", "yearly", 12, (), ""),
            (
                "收缴和管理党员党费",
                "按月收缴党员党费，登记造册并按规定上缴。",
                "monthly",
                24,
                ("党费收缴登记台账",),
                "",
            ),
            ("办理党员组织关系接转", "受理", "ad_hoc", 16, ("党员组织关系接转登记簿",), ""),
            ("管理社区流动党员", "摸排", "ongoing", 24, ("流动党员管理台账",), "流动党员服务站"),
            ("关爱帮扶社区困难党员和老党员", "走访", "quarterly", 30, ("困难党员帮扶台账",), ""),
            (
                "组织在职党员到社区报到服务",
                "登记在职党员报到信息，安排认领服务岗位并记录服务情况。",
                "ongoing",
                40,
                ("在职党员报到登记台账",),
                "在职党员服务站",
            ),
            ("建设楼院党小组和党员中心户", "管理", "yearly", 20, (), ""),
            (
                "开展社区党员志愿服务",
                "活动",
                "monthly",
                36,
                ("党员志愿服务记录",),
                "党员志愿服务队",
            ),
            (
                "推进社区“两新”组织党建工作",
                "摸排",
                "quarterly",
                24,
                ("两新组织党建工作台账",),
                "两新组织党建工作站",
            ),
            ("维护管理社区党员活动阵地", "管理", "ongoing", 24, (), "社区党员活动室"),
            ("开展社区党组织书记述职评议", "会议", "yearly", 8, (), ""),
            ("推荐评选优秀共产党员和先进党组织", "评选", "yearly", 10, (), ""),
            (
                "建立社区党员档案和党员信息库",
                "采集",
                "ongoing",
                20,
                ("党员基本信息电子台账",),
                "社区党员服务中心",
            ),
            ("召开社区党建联席会议", "会议", "quarterly", 16, (), "社区党建联席会"),
            (
                "组织党员开展政治理论学习",
                "组织党员集中学习党的理论和方针政策，做好学习记录。",
                "monthly",
                36,
                (),
                "",
            ),
        ),
    ),
    (
        "party_building",
        "DEPT-ZZ",
        _PARTY_DEV,
        (
            (
                "做好入党积极分子培养考察",
                "确定入党积极分子，指定培养联系人并定期考察记录。",
                "ongoing",
                30,
                ("入党积极分子培养考察登记表",),
                "",
            ),
            (
                "按程序发展社区党员",
                "接收入党申请，组织考察、公示并召开支部大会讨论。",
                "yearly",
                24,
                ("发展党员工作纪实",),
                "",
            ),
        ),
    ),
    (
        "party_building",
        "DEPT-ZZ",
        _PARTY_ELECT,
        (("组织社区党组织换届选举", "选举", "ad_hoc", 40, ("党组织换届选举档案",), ""),),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _LAW_RC,
        (
            (
                "召集居民会议和居民代表会议",
                "会议",
                "quarterly",
                24,
                ("居民（代表）会议记录",),
                "社区居民委员会",
            ),
            (
                "执行居民会议决定和决议",
                "落实居民会议决定，跟踪执行情况并向居民报告。",
                "ongoing",
                20,
                (),
                "",
            ),
            (
                "制定和修订居民公约",
                "组织居民讨论制定或修订居民公约，张贴公布并督促遵守。",
                "ad_hoc",
                12,
                ("居民公约及修订记录",),
                "",
            ),
            (
                "开展社区居民议事协商",
                "组织居民和驻区单位就社区公共事务议事协商，记录议题和结果。",
                "monthly",
                48,
                ("居民议事协商记录",),
                "社区居民议事会",
            ),
            (
                "办理本居住地区公共事务和公益事业",
                "组织办理社区公共事务和公益事业，向居民通报办理结果。",
                "ongoing",
                60,
                (),
                "",
            ),
            ("组织社区居民委员会换届选举", "选举", "ad_hoc", 60, ("居委会换届选举档案",), ""),
            ("开展居务公开", "公示", "quarterly", 24, ("居务公开登记簿",), ""),
            (
                "开展社区财务公开",
                "定期公开社区收支情况，接受居民监督和质询。",
                "quarterly",
                12,
                ("社区财务收支台账",),
                "",
            ),
            (
                "管理社区居委会财产",
                "登记管理居委会房屋、设施和物品，建立资产台账。",
                "ongoing",
                12,
                ("社区固定资产登记台账",),
                "",
            ),
            (
                "向街道反映居民意见、要求和建议",
                "收集居民意见建议，整理后及时向街道办事处反映。",
                "ongoing",
                40,
                ("居民意见建议登记簿",),
                "",
            ),
            (
                "接待居民来访和咨询",
                "值班接待居民来访，登记诉求并答复或转办。",
                "ongoing",
                200,
                ("居民来访接待登记簿",),
                "社区综合服务中心",
            ),
            ("开展社区居民互助服务", "服务", "ongoing", 40, (), ""),
            (
                "培育和管理社区社会组织",
                "登记备案社区社会组织，指导其依章程开展活动。",
                "ongoing",
                24,
                ("社区社会组织备案台账",),
                "社区社会组织服务中心",
            ),
            (
                "组织开展社区志愿服务",
                "招募登记志愿者，组织志愿服务并记录服务时长。",
                "ongoing",
                48,
                ("社区志愿者登记台账",),
                "社区志愿者服务站",
            ),
            (
                "建立健全居民委员会下属委员会",
                "设立人民调解、治安保卫、公共卫生等委员会并明确分工。",
                "ad_hoc",
                8,
                (),
                "",
            ),
            ("建立居民小组和楼院长队伍", "管理", "yearly", 16, (), ""),
            (
                "组织驻区单位参与社区共建",
                "联系驻区单位签订共建协议，组织共建活动。",
                "quarterly",
                16,
                (),
                "",
            ),
            (
                "开展社区服务需求调查",
                "通过走访和问卷了解居民服务需求，形成需求清单。",
                "yearly",
                16,
                (),
                "",
            ),
            (
                "建立社区居民基本情况档案",
                "采集",
                "ongoing",
                40,
                ("社区居民基本情况登记簿",),
                "",
            ),
            (
                "做好社区居委会印章使用管理",
                "专人保管社区印章，逐项登记用印事由。",
                "ongoing",
                8,
                ("印章使用登记簿",),
                "",
            ),
            (
                "制定居委会年度工作计划并向居民会议报告工作",
                "制定年度工作计划和工作制度，年终向居民会议报告工作。",
                "yearly",
                16,
                ("居委会年度工作计划及总结",),
                "",
            ),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-ZJ",
        _PROPERTY,
        (
            (
                "指导和监督业主大会、业主委员会工作",
                "指导业主大会成立和业主委员会换届，监督其依法履职。",
                "ongoing",
                30,
                ("业主委员会工作指导台账",),
                "",
            ),
            (
                "协调社区物业服务纠纷",
                "协调业主与物业服务企业之间的矛盾，记录协调结果。",
                "ad_hoc",
                24,
                (),
                "",
            ),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _SOC_ASSIST,
        (
            (
                "协助受理最低生活保障申请",
                "受理",
                "ongoing",
                40,
                ("低保申请受理登记台账",),
                "社区社会救助服务站",
            ),
            (
                "组织低保民主评议",
                "组织居民代表对低保申请开展民主评议，形成评议意见。",
                "quarterly",
                16,
                ("低保民主评议记录",),
                "",
            ),
            ("公示低保审核结果", "公示", "quarterly", 6, (), ""),
            ("协助受理特困人员供养申请", "受理", "ad_hoc", 8, ("特困供养对象台账",), ""),
            ("协助受理临时救助申请", "受理", "ad_hoc", 20, ("临时救助申请登记台账",), ""),
            ("主动发现并报告困难群众情况", "摸排", "ongoing", 30, ("困难群众排查台账",), ""),
            ("协助受理医疗救助申请", "受理", "ad_hoc", 12, (), ""),
            ("协助开展受灾人员救助", "摸排", "ad_hoc", 8, (), ""),
            ("协助开展低保对象年度复核", "核查", "yearly", 30, ("低保对象动态管理台账",), ""),
            ("开展低保家庭分类帮扶", "走访", "quarterly", 24, ("低保家庭走访记录",), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _ELDERLY,
        (
            ("开展独居空巢老人巡访关爱", "走访", "weekly", 120, ("独居老人巡访记录",), ""),
            (
                "组织社区老年人协会开展活动",
                "活动",
                "monthly",
                36,
                ("老年人协会活动记录",),
                "社区老年人协会",
            ),
            ("协助发现和报告侵害老年人权益行为", "摸排", "ad_hoc", 8, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _EPIDEMIC,
        (
            ("协助开展传染病防控宣传", "宣传", "ongoing", 24, (), ""),
            (
                "协助做好疫情报告和密切接触者排查",
                "摸排",
                "ad_hoc",
                20,
                ("疫情排查登记台账",),
                "",
            ),
            ("宣传动员适龄儿童预防接种", "宣传", "quarterly", 12, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _POPULATION,
        (
            ("开展人口和计划生育政策宣传", "宣传", "ongoing", 24, (), "社区人口学校"),
            ("协助办理生育服务登记", "受理", "ongoing", 30, ("生育服务登记台账",), ""),
            (
                "开展计划生育特殊家庭走访慰问",
                "走访",
                "quarterly",
                16,
                ("计划生育特殊家庭帮扶台账",),
                "",
            ),
            ("组织社区计划生育协会活动", "活动", "quarterly", 16, (), "社区计划生育协会"),
            (
                "开展育龄妇女避孕节育知情选择服务",
                "服务",
                "ongoing",
                20,
                ("育龄妇女信息台账",),
                "社区计生服务室",
            ),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _MENTAL,
        (
            (
                "协助开展严重精神障碍患者关爱帮扶",
                "走访",
                "monthly",
                36,
                ("严重精神障碍患者管理台账",),
                "",
            ),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _LAW_RC,
        (
            (
                "组织社区公共卫生委员会开展工作",
                "管理",
                "quarterly",
                12,
                (),
                "社区公共卫生委员会",
            ),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _PATRIOTIC,
        (("组织开展爱国卫生运动", "活动", "quarterly", 24, ("爱国卫生运动记录",), ""),),
    ),
    (
        "health",
        "DEPT-WJ",
        _PHS,
        (
            (
                "开展居民健康教育和健康知识宣传",
                "宣传",
                "monthly",
                24,
                ("健康教育活动记录",),
                "社区健康小屋",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _LAW_RC,
        (
            (
                "组织居民开展环境卫生清洁活动",
                "活动",
                "monthly",
                48,
                ("环境卫生清洁活动记录",),
                "社区环保志愿服务站",
            ),
            (
                "发现并报告违法建设线索",
                "发现违法建设线索及时报告街道和执法部门，不承担执法责任。",
                "ongoing",
                20,
                ("违法建设巡查报告登记",),
                "",
            ),
            (
                "发现并报告占道经营和乱堆乱放问题",
                "巡查发现问题后报告街道和城管部门，并劝导居民。",
                "ongoing",
                30,
                (),
                "社区城管工作站",
            ),
            ("宣传引导居民爱护公共设施", "宣传", "ongoing", 12, (), ""),
            ("劝导居民文明养犬", "宣传", "ongoing", 12, (), ""),
            ("收集居民对市容环境的意见和诉求", "摸排", "ongoing", 20, (), ""),
            (
                "协调处理居民楼院公共设施报修",
                "受理居民报修，联系产权单位或有关部门维修并跟踪回复。",
                "ongoing",
                40,
                ("公共设施报修登记簿",),
                "",
            ),
            ("组织楼院居民自治清理楼道杂物", "活动", "quarterly", 24, (), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _GREENING,
        (("组织居民参与社区绿化美化", "活动", "yearly", 16, (), ""),),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _PROPERTY,
        (
            (
                "协调无物业小区的基本管理服务",
                "组织居民自治管理无物业老旧小区，协调保洁和维修。",
                "ongoing",
                60,
                ("无物业小区管理台账",),
                "社区物业管理服务站",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _REPAIR_FUND,
        (
            (
                "组织居民议定住宅专项维修资金使用",
                "组织业主表决维修资金使用方案并公示结果。",
                "ad_hoc",
                12,
                ("维修资金使用表决记录",),
                "",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _LAW_RC,
        (
            (
                "征集老旧小区整治改造意见",
                "走访居民征集整治意见，汇总后报街道。",
                "ad_hoc",
                16,
                (),
                "",
            ),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _EMPLOYMENT,
        (
            ("宣传就业创业扶持政策", "宣传", "ongoing", 16, (), ""),
            (
                "协助办理就业失业登记",
                "受理",
                "ongoing",
                40,
                ("就业失业登记台账",),
                "社区劳动保障服务站",
            ),
            ("摸底登记社区就业困难人员", "摸排", "quarterly", 24, ("就业困难人员台账",), ""),
            (
                "对就业困难人员开展就业援助",
                "为就业困难人员推荐岗位、介绍公益性岗位并跟踪回访。",
                "ongoing",
                30,
                ("就业援助服务记录",),
                "",
            ),
            ("收集发布就业岗位信息", "收集辖区用工信息并在社区公开栏发布。", "monthly", 24, (), ""),
            ("开展零就业家庭动态清零", "走访", "ongoing", 12, ("零就业家庭援助台账",), ""),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _SOCIAL_INSURANCE,
        (
            ("宣传城乡居民养老保险和医疗保险政策", "宣传", "yearly", 12, (), ""),
            ("协助办理居民社会保险参保登记", "受理", "yearly", 40, ("居民参保登记台账",), ""),
            (
                "开展退休人员社会化管理服务",
                "服务",
                "ongoing",
                40,
                ("退休人员社会化管理台账",),
                "退休人员管理服务站",
            ),
            (
                "协助开展养老金领取资格认证",
                "通知退休人员进行资格认证，协助行动不便人员上门认证。",
                "yearly",
                40,
                ("养老金领取资格认证台账",),
                "",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-ZF",
        _LAW_RC,
        (
            (
                "组织开展矛盾纠纷排查",
                "摸排",
                "monthly",
                48,
                ("矛盾纠纷排查登记台账",),
                "社区综治工作站",
            ),
            (
                "组织社区群防群治队伍巡逻",
                "组织治安志愿者在重点时段巡逻，记录巡逻情况。",
                "ongoing",
                80,
                ("群防群治巡逻记录",),
                "社区治安保卫委员会",
            ),
            ("开展平安建设宣传", "宣传", "quarterly", 16, (), ""),
            (
                "配合开展重点时期社会稳定风险排查",
                "摸排",
                "ad_hoc",
                24,
                ("稳定风险排查台账",),
                "社区维稳工作站",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _LAW_RC,
        (
            ("协助维护社区治安秩序", "摸排", "ongoing", 40, (), ""),
            ("发现并报告社区治安隐患", "摸排", "ongoing", 20, ("治安隐患排查台账",), ""),
            ("开展防盗防骗安全防范宣传", "宣传", "quarterly", 12, (), ""),
        ),
    ),
    (
        "stability",
        "DEPT-ZF",
        _PETITIONS,
        (
            (
                "接待和引导居民信访诉求",
                "接待居民信访诉求，依法引导并转交有关部门办理。",
                "ongoing",
                40,
                ("信访接待登记簿",),
                "社区信访代理站",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-SF",
        _CORRECTION,
        (
            (
                "协助对社区矫正人员开展监督管理",
                "协助司法所掌握社区矫正人员情况，发现异常及时报告。",
                "ongoing",
                30,
                ("社区矫正人员帮教台账",),
                "社区矫正工作站",
            ),
            ("协助社区矫正人员开展公益劳动和教育学习", "活动", "monthly", 24, (), ""),
        ),
    ),
    (
        "stability",
        "DEPT-SF",
        _RESETTLEMENT,
        (
            (
                "开展刑满释放人员安置帮教",
                "走访",
                "ongoing",
                24,
                ("安置帮教对象台账",),
                "社区帮教安置工作站",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _NARCOTICS,
        (
            ("开展禁毒宣传教育", "宣传", "quarterly", 16, ("禁毒宣传活动记录",), ""),
            (
                "协助开展社区戒毒和社区康复工作",
                "协助落实社区戒毒社区康复协议，定期走访并报告情况。",
                "ongoing",
                30,
                ("社区戒毒社区康复人员台账",),
                "社区禁毒工作站",
            ),
            ("发现并报告吸毒和制毒线索", "摸排", "ad_hoc", 6, (), ""),
        ),
    ),
    (
        "stability",
        "DEPT-FR",
        _FIRE,
        (
            ("协助开展社区消防安全宣传", "宣传", "quarterly", 12, (), ""),
            (
                "制定社区防火安全公约",
                "组织居民制定防火安全公约，张贴并督促落实。",
                "yearly",
                6,
                ("防火安全公约及检查记录",),
                "",
            ),
            (
                "开展群众性消防安全检查",
                "组织楼院长巡查消防通道和隐患，发现问题劝导并报告。",
                "monthly",
                36,
                ("消防安全巡查记录",),
                "社区义务消防队",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-YJ",
        _EMERGENCY,
        (
            ("开展防灾减灾和应急知识宣传", "宣传", "yearly", 8, (), ""),
            ("组织居民开展应急疏散演练", "活动", "yearly", 12, ("应急演练记录",), "社区应急队"),
            (
                "协助开展突发事件人员转移安置",
                "突发事件时协助通知、转移和安置居民，及时报告情况。",
                "ad_hoc",
                12,
                ("应急避难场所及转移人员名册",),
                "社区救灾物资储备点",
            ),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _MEDIATION,
        (
            (
                "组织社区人民调解委员会调解民间纠纷",
                "调解",
                "ongoing",
                80,
                ("人民调解登记台账", "人民调解协议书存档"),
                "社区人民调解委员会",
            ),
            ("推选和培训人民调解员", "培训", "yearly", 8, ("人民调解员名册",), ""),
            ("开展纠纷调解回访", "对已调解纠纷开展回访，了解协议履行情况。", "ongoing", 16, (), ""),
            (
                "报告可能激化的民间纠纷",
                "发现可能激化的纠纷及时采取预防措施并向街道报告。",
                "ad_hoc",
                6,
                (),
                "",
            ),
            ("建立楼院调解信息员队伍", "管理", "yearly", 6, (), ""),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _LAW_RC,
        (
            ("宣传宪法和法律法规", "宣传", "ongoing", 20, ("普法宣传活动记录",), ""),
            ("开展全国法制宣传日活动", "活动", "yearly", 4, (), ""),
            ("组织法律知识进楼院", "活动", "quarterly", 16, (), ""),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _LEGAL_AID,
        (
            (
                "转交居民法律援助申请",
                "受理",
                "ad_hoc",
                8,
                ("法律援助转介登记",),
                "社区法律援助工作站",
            ),
            (
                "联络社区法律顾问为居民提供法律咨询",
                "服务",
                "monthly",
                24,
                ("法律咨询服务登记",),
                "社区法律服务工作室",
            ),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _LAW_RC,
        (
            (
                "支持居务监督委员会开展监督",
                "监督",
                "ongoing",
                16,
                ("居务监督委员会工作记录",),
                "社区居务监督委员会",
            ),
            (
                "公开社区重大事项决策和实施情况",
                "公示",
                "quarterly",
                8,
                ("重大事项决策公开记录",),
                "",
            ),
            ("落实社区重大事项民主决策程序", "会议", "ad_hoc", 12, ("民主决策程序记录",), ""),
            ("接受居民对社区工作人员的监督和评议", "监督", "yearly", 8, (), ""),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _INNER_SUPERVISION,
        (
            ("开展社区干部廉洁从业教育", "培训", "yearly", 6, (), ""),
            ("组织社区干部述职述廉", "会议", "yearly", 8, ("述职述廉记录",), ""),
            ("监督社区经费和服务资金使用", "监督", "quarterly", 8, ("社区经费使用监督记录",), ""),
        ),
    ),
    (
        "culture",
        "DEPT-XC",
        _LAW_RC,
        (
            (
                "开展社区精神文明建设活动",
                "活动",
                "monthly",
                36,
                ("精神文明建设活动记录",),
                "",
            ),
            ("倡导移风易俗和文明新风", "宣传", "ongoing", 12, (), ""),
            ("组织邻里节和邻里互助活动", "活动", "yearly", 16, (), ""),
            ("评选表彰社区好人好事", "评选", "yearly", 8, ("好人好事登记簿",), ""),
            ("宣传社会主义核心价值观", "宣传", "ongoing", 16, (), "社区市民学校"),
        ),
    ),
    (
        "culture",
        "DEPT-WL",
        _PUBLIC_CULTURE,
        (
            (
                "组织社区群众文化活动",
                "活动",
                "monthly",
                48,
                ("群众文化活动记录",),
                "社区文化活动室",
            ),
            (
                "管理社区文化活动室和图书室",
                "管理",
                "ongoing",
                40,
                ("图书借阅登记簿",),
                "社区图书室",
            ),
            ("培育社区文体团队", "管理", "yearly", 12, ("社区文体团队名册",), "社区书画协会"),
        ),
    ),
    (
        "culture",
        "DEPT-JT",
        _FITNESS,
        (
            (
                "组织居民开展全民健身活动",
                "活动",
                "monthly",
                30,
                ("全民健身活动记录",),
                "社区体育健身站",
            ),
            (
                "维护管理社区健身器材",
                "定期巡查健身路径器材，发现损坏及时报修。",
                "monthly",
                12,
                (),
                "",
            ),
        ),
    ),
    (
        "veterans",
        "DEPT-TY",
        _MIL_PENSIONS,
        (
            ("走访慰问优抚对象", "走访", "quarterly", 16, ("优抚对象走访慰问记录",), ""),
            ("协助落实优抚对象优待政策", "服务", "ongoing", 12, ("优抚对象花名册",), ""),
            ("开展拥军优属宣传活动", "活动", "yearly", 8, (), "社区拥军优属服务站"),
        ),
    ),
    (
        "veterans",
        "DEPT-WZ",
        _MIL_SERVICE,
        (
            ("开展兵役登记宣传", "宣传", "yearly", 6, (), ""),
            (
                "协助组织适龄青年兵役登记",
                "通知适龄男性青年进行兵役登记，汇总登记情况上报。",
                "yearly",
                12,
                ("兵役登记台账",),
                "",
            ),
        ),
    ),
    (
        "disability",
        "DEPT-CL",
        _DISABLED,
        (
            ("宣传残疾人权益保障政策", "宣传", "yearly", 6, (), ""),
            ("协助残疾人办理残疾人证", "受理", "ad_hoc", 8, ("残疾人证办理转交登记",), ""),
            ("走访关爱社区残疾人", "走访", "quarterly", 20, ("残疾人走访记录",), "社区残疾人协会"),
            ("组织残疾人参加社区文体活动", "活动", "quarterly", 12, (), ""),
        ),
    ),
    (
        "other",
        "DEPT-FY",
        _CIVIL_PROCEDURE,
        (
            (
                "见证人民法院留置送达法律文书",
                "应法院要求到场见证留置送达，并签名确认。",
                "ad_hoc",
                4,
                (),
                "",
            ),
        ),
    ),
    (
        "other",
        "DEPT-TW",
        _LAW_RC,
        (("协助做好青少年教育工作", "活动", "ongoing", 16, (), "社区家长学校"),),
    ),
    (
        "other",
        "DEPT-FL",
        _WOMEN,
        (
            (
                "协助开展妇女儿童权益维护",
                "受理妇女儿童维权求助，调解家庭纠纷并转介有关部门。",
                "ongoing",
                16,
                ("妇女儿童维权登记",),
                "社区妇女之家",
            ),
        ),
    ),
)

# ---- 2014 survey, class "delegated" (232): work pushed down by departments, unfunded ------------

_DELEGATED: tuple[_Group, ...] = (
    (
        "party_building",
        "DEPT-ZZ",
        _DEPT_ONLY,
        (
            (
                "填报党员信息管理系统数据",
                "在党员信息管理系统中录入和更新党员信息。",
                "monthly",
                24,
                ("党员信息系统录入台账",),
                "",
            ),
            ("报送党建工作信息和简报", "上报", "monthly", 24, (), ""),
            (
                "组织党员收看远程教育节目",
                "组织党员集中收看远程教育节目，登记收看情况。",
                "monthly",
                24,
                ("远程教育收看记录",),
                "党员现代远程教育站点",
            ),
            ("开展党员承诺践诺活动", "活动", "yearly", 12, (), ""),
            ("填报党内统计年报", "上报", "yearly", 8, ("党内统计报表",), ""),
            ("开展“党员先锋岗”设岗定责", "活动", "yearly", 8, (), ""),
            (
                "建立社区党建网格化工作台账",
                "按网格划分党员责任区，建立党建网格工作台账。",
                "quarterly",
                20,
                ("党建网格化工作台账",),
                "社区网格党支部",
            ),
            (
                "承办区级党建观摩现场会",
                "按要求布置观摩现场、准备展板和汇报材料。",
                "ad_hoc",
                40,
                ("党建观摩迎检材料",),
                "",
            ),
            ("组织社区党校开展培训", "培训", "quarterly", 24, (), "社区党校"),
            ("开展党员志愿服务积分管理", "管理", "monthly", 24, ("党员志愿服务积分台账",), ""),
            (
                "收集报送党代表联系群众情况",
                "上报",
                "quarterly",
                8,
                ("党代表联系群众记录",),
                "党代表工作室",
            ),
        ),
    ),
    (
        "party_building",
        "DEPT-ZZ",
        _MASS_LINE,
        (
            (
                "开展党的群众路线教育实践活动",
                "组织党员参加教育实践活动，整理活动资料和整改台账。",
                "ad_hoc",
                60,
                ("群众路线教育实践活动台账",),
                "",
            ),
        ),
    ),
    (
        "party_building",
        "DEPT-XC",
        _DEPT_ONLY,
        (
            (
                "组织居民和驻区单位订阅党报党刊",
                "动员驻区单位和居民订阅党报党刊，汇总订阅数量上报。",
                "yearly",
                12,
                ("党报党刊订阅台账",),
                "",
            ),
            ("报送社区宣传思想工作信息", "上报", "monthly", 12, (), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _SOC_ASSIST,
        (
            (
                "协助开展低保家庭入户调查和邻里访问",
                "核查",
                "ongoing",
                60,
                ("低保入户调查记录",),
                "",
            ),
            (
                "协助采集低保家庭经济状况核对信息",
                "采集",
                "ongoing",
                40,
                ("家庭经济状况核对授权书存档",),
                "",
            ),
            (
                "录入更新社会救助信息系统数据",
                "将救助对象信息录入社会救助管理信息系统并及时更新。",
                "monthly",
                48,
                ("社会救助信息系统录入台账",),
                "",
            ),
            (
                "发放困难群众节日慰问品",
                "核对名单、通知领取并登记发放节日慰问品。",
                "yearly",
                24,
                ("慰问品发放登记表",),
                "社区慈善超市",
            ),
            (
                "通知低保家庭申领冬季取暖补贴",
                "通知低保家庭申领取暖补贴并登记发放情况。",
                "yearly",
                12,
                ("取暖补贴发放登记",),
                "",
            ),
            ("组织低保对象参加公益劳动", "活动", "monthly", 24, ("低保对象公益劳动考勤",), ""),
            ("摸底统计低收入家庭情况", "摸排", "yearly", 20, ("低收入家庭登记台账",), ""),
            ("协助发放价格临时补贴", "受理", "ad_hoc", 8, (), ""),
            ("协助收集医疗救助报销材料", "受理", "ad_hoc", 12, (), ""),
            ("开展“救急难”个案排查", "摸排", "ad_hoc", 12, (), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _ELDERLY,
        (
            ("协助办理高龄津贴申报", "受理", "ongoing", 30, ("高龄津贴申报台账",), ""),
            (
                "协助评估经济困难老人居家养老服务补贴",
                "核查",
                "yearly",
                30,
                ("居家养老服务补贴评估表",),
                "",
            ),
            ("开展老年人基本信息采集", "采集", "yearly", 40, ("老年人基本信息台账",), ""),
            ("协助办理老年人优待证", "受理", "ongoing", 20, ("老年人优待证办理登记",), ""),
            (
                "管理社区居家养老服务站",
                "管理",
                "ongoing",
                120,
                ("居家养老服务站运营记录",),
                "社区居家养老服务站",
            ),
            (
                "组织社区老年大学教学活动",
                "活动",
                "weekly",
                60,
                ("老年大学教学记录",),
                "社区老年大学",
            ),
            (
                "运营社区老年人日间照料中心",
                "管理",
                "ongoing",
                100,
                ("日间照料中心服务记录",),
                "社区老年人日间照料中心",
            ),
            ("走访慰问百岁老人", "走访", "yearly", 4, (), ""),
            ("统计上报老龄工作报表", "上报", "quarterly", 12, ("老龄工作统计报表",), ""),
            ("开展“敬老月”活动", "活动", "yearly", 12, (), "社区老年人活动室"),
            (
                "动员老年人参加意外伤害保险",
                "动员老年人参加意外伤害保险并汇总参保名单。",
                "yearly",
                16,
                ("老年人意外伤害保险参保名单",),
                "",
            ),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _MINORS,
        (
            (
                "摸排困境儿童和留守儿童",
                "摸排",
                "yearly",
                16,
                ("困境儿童信息台账",),
                "社区儿童之家",
            ),
            ("协助办理孤儿基本生活费申请", "受理", "ad_hoc", 4, (), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _VAGRANTS,
        (("发现报告流浪乞讨人员并协助救助", "摸排", "ad_hoc", 4, (), ""),),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _FUNERAL,
        (
            ("开展殡葬改革宣传", "宣传", "yearly", 8, (), ""),
            ("协助办理丧葬补助申请", "受理", "ad_hoc", 8, ("丧葬补助申请转交登记",), ""),
            ("开展清明节文明祭扫宣传", "宣传", "yearly", 6, (), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _DONATION,
        (
            (
                "组织“慈善一日捐”募捐活动",
                "动员居民和驻区单位参加慈善一日捐，登记捐款并上缴。",
                "yearly",
                20,
                ("慈善捐款登记台账",),
                "社区慈善工作站",
            ),
            (
                "管理社区经常性社会捐助接收点",
                "登记接收和发放的捐赠物资。",
                "ongoing",
                24,
                ("捐赠物资收发登记",),
                "社区捐助接收站",
            ),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _PLACE_CENSUS,
        (("协助开展第二次全国地名普查", "普查", "ad_hoc", 24, ("地名普查登记表",), ""),),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _PLACE_NAMES,
        (("协助核查楼院门牌号码", "核查", "ad_hoc", 8, (), ""),),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _DEPT_ONLY,
        (
            ("填报社区建设统计报表", "上报", "quarterly", 16, ("社区建设统计报表",), ""),
            (
                "维护社区信息化管理平台数据",
                "在社区综合信息平台录入和更新居民与事项数据。",
                "weekly",
                120,
                ("社区信息平台数据维护记录",),
                "",
            ),
            (
                "迎接社区建设工作检查",
                "准备台账和汇报材料，陪同上级部门检查。",
                "ad_hoc",
                40,
                ("社区建设迎检材料",),
                "",
            ),
            ("报送社区工作信息和经验材料", "上报", "monthly", 24, (), ""),
            ("开展社区社会组织年度统计", "上报", "yearly", 8, (), ""),
            ("协助开展婚姻登记政策宣传", "宣传", "yearly", 4, (), ""),
            (
                "开展社区服务满意度测评",
                "组织居民填写满意度测评问卷并汇总上报。",
                "yearly",
                12,
                (),
                "",
            ),
            ("组织社区工作者参加业务培训", "培训", "quarterly", 24, (), ""),
            ("报送社区工作者队伍信息", "上报", "yearly", 6, ("社区工作者信息台账",), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _MIGRANT_FP,
        (
            ("采集流动人口婚育信息", "采集", "ongoing", 40, ("流动人口婚育信息台账",), ""),
            ("查验流动人口婚育证明", "核查", "ongoing", 20, (), ""),
            (
                "为流动育龄妇女提供免费计划生育服务",
                "服务",
                "ongoing",
                16,
                (),
                "流动人口计生服务站",
            ),
            (
                "开展流动人口计划生育信息通报",
                "上报",
                "monthly",
                24,
                ("流动人口信息协查通报单",),
                "",
            ),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _POPULATION_SD,
        (
            (
                "维护全员人口信息数据库",
                "在全员人口信息系统中录入和更新育龄妇女及出生信息。",
                "monthly",
                60,
                ("全员人口信息数据库维护记录",),
                "",
            ),
            (
                "协助办理独生子女父母光荣证",
                "受理",
                "ad_hoc",
                12,
                ("独生子女父母光荣证发放台账",),
                "",
            ),
            (
                "协助落实独生子女父母奖励费",
                "受理",
                "yearly",
                16,
                ("独生子女父母奖励费发放台账",),
                "",
            ),
            (
                "协助申报计划生育特别扶助金",
                "受理",
                "yearly",
                8,
                ("计划生育特别扶助对象台账",),
                "",
            ),
            (
                "组织育龄妇女参加生殖健康检查",
                "通知育龄妇女按时参加生殖健康检查并登记参检情况。",
                "yearly",
                24,
                ("育龄妇女查体登记",),
                "",
            ),
            ("开展“单独两孩”政策宣传", "宣传", "ad_hoc", 8, (), ""),
            ("协助办理再生育申请", "受理", "ad_hoc", 12, (), ""),
            ("开展出生人口信息核对", "核查", "monthly", 24, ("出生人口信息核对台账",), ""),
            (
                "推广计划生育家庭意外伤害保险",
                "动员计生家庭参加意外伤害保险并统计参保人数。",
                "yearly",
                12,
                ("计生家庭保险参保台账",),
                "",
            ),
            ("填报人口和计划生育统计月报", "上报", "monthly", 24, ("人口计生统计月报表",), ""),
            ("开展“婚育新风进万家”活动", "活动", "yearly", 12, (), ""),
            (
                "管理社区避孕药具发放点",
                "管理社区避孕药具发放点，登记发放数量。",
                "ongoing",
                24,
                ("避孕药具发放登记",),
                "社区避孕药具发放站",
            ),
            ("发展计划生育协会会员", "管理", "yearly", 8, ("计生协会会员名册",), ""),
            (
                "迎接人口和计划生育目标责任考核",
                "考核",
                "yearly",
                40,
                ("人口计生目标考核台账",),
                "",
            ),
            ("开展出生缺陷干预宣传", "宣传", "yearly", 6, (), ""),
            ("开展诚信计生活动", "活动", "yearly", 8, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _PHS,
        (
            (
                "协助建立居民健康档案",
                "采集",
                "ongoing",
                40,
                ("居民健康档案协助建档登记",),
                "",
            ),
            (
                "通知组织老年人免费健康体检",
                "通知65岁以上老年人参加免费体检并登记参检情况。",
                "yearly",
                24,
                ("老年人体检通知登记",),
                "",
            ),
            (
                "协助通知慢性病患者定期随访",
                "通知高血压、糖尿病患者按时随访，协助联系社区卫生服务机构。",
                "quarterly",
                16,
                (),
                "",
            ),
            ("动员居民签约家庭医生", "宣传", "yearly", 16, ("家庭医生签约动员台账",), ""),
            ("协助开展孕产妇和新生儿访视通知", "走访", "ongoing", 12, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _EPIDEMIC,
        (
            ("开展病媒生物防制和灭鼠灭蟑", "活动", "quarterly", 24, ("病媒生物防制记录",), ""),
            ("协助发现结核病患者并督导服药", "走访", "ongoing", 8, (), ""),
            ("开展艾滋病防治宣传", "宣传", "yearly", 6, (), ""),
            ("组织清除积水防控蚊媒传染病", "活动", "ad_hoc", 12, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _SMOKING,
        (("开展控烟宣传和无烟环境创建", "宣传", "yearly", 8, (), ""),),
    ),
    (
        "health",
        "DEPT-WJ",
        _BLOOD,
        (
            (
                "组织居民参加无偿献血",
                "宣传动员居民参加无偿献血并统计献血人数。",
                "yearly",
                12,
                (),
                "",
            ),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _DEPT_ONLY,
        (
            ("开展全民健康生活方式行动", "活动", "yearly", 12, (), "社区健康自我管理小组"),
            ("开展合理膳食和减盐控油宣传", "宣传", "yearly", 6, (), ""),
            (
                "协助申报严重精神障碍患者监护人补助",
                "受理",
                "yearly",
                8,
                ("监护人补助申报台账",),
                "",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _CITY_SANITATION,
        (
            (
                "签订沿街单位“门前三包”责任书",
                "与沿街商户签订门前三包责任书并督促落实。",
                "yearly",
                16,
                ("门前三包责任书台账",),
                "",
            ),
            ("巡查“门前三包”落实情况", "检查", "weekly", 60, ("门前三包巡查记录",), ""),
            ("清理楼院和沿街小广告", "活动", "weekly", 80, ("小广告清理记录",), ""),
            ("劝导沿街商户规范设置户外广告", "宣传", "ad_hoc", 8, (), ""),
            ("协助开展冬季清雪除冰", "活动", "ad_hoc", 16, (), ""),
            (
                "组织楼院环境卫生检查评比",
                "考核",
                "monthly",
                24,
                ("楼院卫生检查评比表",),
                "",
            ),
            ("开展楼院公共区域环境整治", "活动", "monthly", 40, (), ""),
            ("管理和考核社区保洁员", "管理", "monthly", 36, ("保洁员考勤考核表",), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _DEPT_ONLY,
        (
            (
                "迎接城市环境综合整治检查",
                "检查",
                "ad_hoc",
                60,
                ("环境综合整治迎检台账",),
                "",
            ),
            (
                "核查数字化城管派遣问题",
                "对数字城管派遣问题进行现场核查并反馈处置结果。",
                "weekly",
                80,
                ("数字城管案件核查台账",),
                "",
            ),
            (
                "协助城市管理执法调查取证",
                "配合执法人员调查取证、提供当事人信息。",
                "ad_hoc",
                12,
                (),
                "",
            ),
            (
                "配合开展占道经营治理",
                "配合城管部门劝离占道经营摊点，参加联合巡查。",
                "weekly",
                40,
                ("占道经营巡查记录",),
                "",
            ),
            ("巡查上报路灯照明设施损坏", "摸排", "monthly", 12, (), ""),
            ("动员驻区单位认建认养城市绿地", "活动", "yearly", 6, (), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _PLANNING,
        (
            (
                "配合拆除违法建设",
                "配合拆违部门入户做思想工作并现场看护。",
                "ad_hoc",
                40,
                ("违法建设台账",),
                "",
            ),
            ("开展违法建设动态巡查", "检查", "weekly", 60, ("违法建设动态巡查日志",), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _SOLID_WASTE,
        (
            ("开展生活垃圾分类宣传", "宣传", "ongoing", 24, (), ""),
            (
                "督导居民垃圾分类投放",
                "在投放点位督导居民分类投放并记录参与情况。",
                "weekly",
                80,
                ("垃圾分类督导记录",),
                "垃圾分类工作站",
            ),
            ("管理楼院垃圾桶站点", "管理", "ongoing", 24, ("垃圾桶站点管理台账",), ""),
            ("开展废旧物品回收宣传", "宣传", "yearly", 4, (), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _PROPERTY,
        (
            ("考评物业服务企业服务质量", "考核", "quarterly", 20, ("物业服务质量考评表",), ""),
            (
                "协调老旧楼院整治改造施工",
                "协调施工单位与居民关系，收集居民意见并反馈。",
                "ad_hoc",
                40,
                ("楼院整治施工协调记录",),
                "",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _DANGEROUS_HOUSES,
        (("开展房屋安全隐患排查", "摸排", "yearly", 24, ("房屋安全隐患排查台账",), ""),),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _PUBLIC_RENTAL,
        (
            ("协助受理公共租赁住房申请", "受理", "yearly", 20, ("住房保障申请受理台账",), ""),
            ("协助开展住房保障家庭年度复核", "核查", "yearly", 16, ("住房保障家庭复核台账",), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _LOW_RENT,
        (("通知申领廉租住房租赁补贴", "受理", "yearly", 6, (), ""),),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _DEPT_ONLY,
        (
            ("摸底楼院冬季供暖情况", "摸排", "yearly", 12, (), ""),
            (
                "入户动员配合“暖房子”工程施工",
                "入户动员居民配合外墙保温施工，协调解决施工矛盾。",
                "ad_hoc",
                30,
                ("暖房子工程入户动员台账",),
                "",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _EXPROPRIATION,
        (
            (
                "协助开展房屋征收入户调查",
                "配合征收部门入户登记，做居民思想工作。",
                "ad_hoc",
                24,
                ("房屋征收入户登记表",),
                "",
            ),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _GAS,
        (("入户开展燃气安全宣传", "宣传", "yearly", 12, (), ""),),
    ),
    (
        "labour",
        "DEPT-RS",
        _EMPLOYMENT,
        (
            ("开展劳动力资源状况调查", "采集", "yearly", 60, ("劳动力资源调查台账",), ""),
            (
                "录入更新劳动力资源信息系统",
                "将劳动力资源调查信息录入系统并定期更新。",
                "monthly",
                48,
                ("劳动力资源信息系统维护记录",),
                "",
            ),
            ("组织社区招聘会和就业服务活动", "活动", "quarterly", 24, (), ""),
            ("组织失业人员参加职业技能培训", "培训", "quarterly", 16, (), ""),
            (
                "协助申报灵活就业社会保险补贴",
                "受理",
                "ongoing",
                24,
                ("灵活就业社保补贴申报台账",),
                "",
            ),
            ("协助申报创业扶持和小额担保贷款", "受理", "ad_hoc", 8, (), ""),
            (
                "摸底高校毕业生离校未就业情况",
                "摸排",
                "yearly",
                12,
                ("未就业高校毕业生台账",),
                "",
            ),
            ("填报就业再就业统计报表", "上报", "monthly", 24, ("就业统计月报表",), ""),
            ("协助管理公益性岗位人员", "管理", "monthly", 24, ("公益性岗位人员考勤表",), ""),
            ("为外来务工人员提供就业服务", "服务", "ongoing", 12, (), ""),
            ("开展“春风行动”宣传", "宣传", "yearly", 6, (), ""),
            ("开展“就业援助月”活动", "活动", "yearly", 8, (), ""),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _SOCIAL_INSURANCE,
        (
            ("开展全民参保登记入户调查", "采集", "ad_hoc", 60, ("全民参保登记调查表",), ""),
            (
                "通知居民缴纳居民养老保险费",
                "通知居民按期缴纳居民养老保险费并汇总缴费名单。",
                "yearly",
                24,
                ("居民养老保险缴费台账",),
                "",
            ),
            (
                "协助办理居民养老保险待遇领取",
                "受理",
                "ongoing",
                12,
                ("居民养老保险待遇申领登记",),
                "",
            ),
            ("组织退休人员参加文体活动", "活动", "quarterly", 16, (), ""),
            ("管理退休人员档案", "管理", "ongoing", 16, ("退休人员档案",), ""),
            ("协助发放退休人员节日慰问金", "走访", "yearly", 8, (), ""),
        ),
    ),
    (
        "labour",
        "DEPT-YB",
        _SOCIAL_INSURANCE,
        (
            (
                "协助办理居民基本医疗保险参保缴费",
                "受理",
                "yearly",
                40,
                ("居民医保参保缴费台账",),
                "社区医疗保险服务站",
            ),
            ("协助办理长期医疗护理保险申请", "受理", "ad_hoc", 12, ("长期护理保险申请登记",), ""),
            ("开展大学生参加居民医保宣传", "宣传", "yearly", 4, (), ""),
            ("协助办理门诊大病申请", "受理", "ad_hoc", 8, (), ""),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _LABOUR_INSPECTION,
        (
            ("摸底辖区用人单位劳动用工情况", "摸排", "yearly", 16, ("用人单位劳动用工台账",), ""),
            ("排查报告拖欠农民工工资线索", "摸排", "ad_hoc", 8, (), "社区劳动争议调解组织"),
        ),
    ),
    (
        "labour",
        "DEPT-GH",
        _TRADE_UNION,
        (
            (
                "组建社区联合工会发展会员",
                "组织辖区小微企业职工加入社区联合工会并登记会员。",
                "yearly",
                16,
                ("社区工会会员名册",),
                "社区工会联合会",
            ),
            ("摸底困难职工帮扶需求", "摸排", "yearly", 12, ("困难职工档案",), "社区职工服务站"),
        ),
    ),
    (
        "stability",
        "DEPT-ZF",
        _DEPT_ONLY,
        (
            (
                "开展网格化服务管理信息采集",
                "采集",
                "ongoing",
                200,
                ("网格员工作日志", "网格基础信息台账"),
                "社区网格化服务管理工作站",
            ),
            (
                "上报网格事件和处置反馈",
                "通过网格管理系统上报发现的事件并跟踪处置结果。",
                "weekly",
                80,
                ("网格事件上报台账",),
                "",
            ),
            ("填报综治工作月报", "上报", "monthly", 24, ("综治工作月报表",), ""),
            ("迎接综治和平安建设考核检查", "考核", "yearly", 60, ("综治考核迎检资料",), ""),
            (
                "开展重点人员稳控",
                "对重点人员落实包保责任，掌握动态并及时报告。",
                "ongoing",
                60,
                ("重点人员稳控台账",),
                "",
            ),
            (
                "重大活动期间开展维稳值守",
                "重大活动和敏感时期安排人员值班值守，执行零报告。",
                "ad_hoc",
                80,
                ("维稳值班记录",),
                "",
            ),
            ("入户宣传群众安全感满意度测评", "宣传", "yearly", 16, (), ""),
            ("开展反邪教宣传", "宣传", "yearly", 8, (), ""),
            (
                "协助开展特殊人群服务管理",
                "走访",
                "monthly",
                24,
                ("特殊人群服务管理台账",),
                "社区心理咨询室",
            ),
            ("开展青少年违法犯罪预防教育", "活动", "yearly", 8, (), ""),
            ("巡查社区治安视频监控点位", "摸排", "monthly", 12, (), ""),
            (
                "组织平安志愿者参与巡防",
                "活动",
                "ongoing",
                40,
                ("平安志愿者名册",),
                "社区平安志愿者服务队",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-ZF",
        _PETITIONS,
        (
            (
                "配合开展信访积案化解",
                "协助做好信访人思想工作，参与包案化解并报告进展。",
                "ad_hoc",
                40,
                ("信访积案化解台账",),
                "",
            ),
            (
                "敏感时期劝返越级上访人员",
                "敏感时期掌握上访人员动态，配合劝返和稳控。",
                "ad_hoc",
                40,
                ("重点信访人员动态台账",),
                "",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _RENTAL_SECURITY,
        (
            (
                "采集流动人口信息",
                "采集",
                "ongoing",
                80,
                ("流动人口信息登记台账",),
                "流动人口服务管理站",
            ),
            ("开展出租房屋信息登记", "采集", "ongoing", 60, ("出租房屋登记台账",), ""),
            (
                "与出租房主签订治安责任书",
                "与出租房主签订治安责任保证书并建档。",
                "yearly",
                16,
                ("出租房屋治安责任书存档",),
                "",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _DEPT_ONLY,
        (
            (
                "开展实有人口和实有房屋核查",
                "核查",
                "yearly",
                60,
                ("实有人口实有房屋核查表",),
                "",
            ),
            ("协助开展户口清理整顿", "核查", "ad_hoc", 16, (), ""),
            ("开展防范电信诈骗宣传", "宣传", "quarterly", 12, (), ""),
            (
                "组建社区治安信息员队伍",
                "管理",
                "yearly",
                8,
                ("治安信息员名册",),
                "社区警务室",
            ),
            ("协助开展重点场所治安检查", "检查", "monthly", 24, ("重点场所检查记录",), ""),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _NARCOTICS,
        (("协助开展吸毒人员动态管控", "摸排", "monthly", 12, ("吸毒人员动态管控台账",), ""),),
    ),
    (
        "stability",
        "DEPT-FR",
        _FIRE,
        (
            (
                "检查沿街门店消防安全",
                "检查",
                "monthly",
                60,
                ("九小场所消防检查记录",),
                "",
            ),
            (
                "巡查高层住宅消防设施",
                "检查",
                "monthly",
                24,
                ("高层住宅消防设施巡查记录",),
                "",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-YJ",
        _WORK_SAFETY,
        (
            (
                "开展辖区企业安全生产检查",
                "检查",
                "monthly",
                48,
                ("安全生产检查台账",),
                "社区安全生产监督站",
            ),
            ("填报安全生产隐患排查月报", "上报", "monthly", 24, ("安全隐患排查治理月报",), ""),
            ("开展“安全生产月”宣传", "宣传", "yearly", 6, (), ""),
        ),
    ),
    (
        "stability",
        "DEPT-YJ",
        _FLOOD,
        (
            (
                "落实防汛防台风值守和隐患排查",
                "摸排",
                "yearly",
                24,
                ("防汛防台风隐患排查台账",),
                "社区应急避难场所",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-YJ",
        _AIR_DEFENCE,
        (("开展人民防空和防空警报宣传", "宣传", "yearly", 4, (), "社区人防工作站"),),
    ),
    (
        "justice",
        "DEPT-SF",
        _LEGAL_EDUCATION,
        (
            ("迎接“六五”普法考核检查", "考核", "yearly", 24, ("普法工作档案",), ""),
            ("培育社区法律志愿者队伍", "管理", "yearly", 8, (), ""),
            ("开展“法律进社区”活动", "活动", "quarterly", 12, ("法律进社区活动记录",), ""),
            ("更新维护社区法制宣传栏", "管理", "monthly", 12, (), "社区法制学校"),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _MEDIATION,
        (
            ("填报人民调解统计报表", "上报", "monthly", 12, ("人民调解统计月报",), ""),
            ("规范整理人民调解卷宗", "管理", "quarterly", 24, ("调解卷宗",), ""),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _CORRECTION,
        (
            (
                "协助开展社区矫正调查评估",
                "应司法所要求提供拟适用社区矫正人员的居住和表现情况。",
                "ad_hoc",
                8,
                ("社区矫正调查评估意见存档",),
                "",
            ),
            ("组织社区矫正人员集中教育", "活动", "monthly", 12, (), ""),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _LEGAL_AID,
        (("协助回访法律援助案件当事人", "走访", "ad_hoc", 4, (), ""),),
    ),
    (
        "justice",
        "DEPT-SF",
        _JURORS,
        (
            (
                "协助推荐人民陪审员人选",
                "推荐符合条件的居民参选人民陪审员并公示。",
                "ad_hoc",
                4,
                (),
                "",
            ),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _DEPT_ONLY,
        (
            (
                "开展廉政文化进社区活动",
                "活动",
                "yearly",
                12,
                ("廉政文化活动记录",),
                "社区廉情监督站",
            ),
            ("收集报送群众身边腐败问题线索", "上报", "ad_hoc", 4, (), ""),
            ("组织社区党员观看警示教育片", "活动", "yearly", 6, (), ""),
            ("监督检查惠民资金发放", "监督", "yearly", 12, ("惠民资金监督台账",), ""),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _CLEAN_RESPONSIBILITY,
        (
            (
                "填报党风廉政建设责任制落实情况",
                "上报",
                "yearly",
                8,
                ("党风廉政建设责任制台账",),
                "",
            ),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _EIGHT_RULES,
        (("宣传“四风”问题监督举报渠道", "宣传", "ad_hoc", 4, (), ""),),
    ),
    (
        "culture",
        "DEPT-XC",
        _DEPT_ONLY,
        (
            ("开展文明城市创建宣传", "宣传", "ongoing", 40, ("文明城市创建宣传台账",), ""),
            ("迎接全国文明城市测评检查", "检查", "ad_hoc", 80, ("文明城市测评迎检资料",), ""),
            ("开展“道德讲堂”活动", "活动", "monthly", 24, ("道德讲堂活动记录",), "社区道德讲堂"),
            ("组织“青岛好人”推荐评选", "评选", "yearly", 8, (), ""),
            ("开展“我们的节日”主题活动", "活动", "quarterly", 24, (), ""),
            ("管理学雷锋志愿服务站", "管理", "ongoing", 24, (), "学雷锋志愿服务站"),
        ),
    ),
    (
        "culture",
        "DEPT-WL",
        _PUBLIC_CULTURE,
        (
            ("组织居民参加区级文艺汇演", "活动", "yearly", 24, (), "社区文体协会"),
            (
                "开展文化信息资源共享工程服务",
                "服务",
                "ongoing",
                24,
                (),
                "文化信息资源共享工程社区服务点",
            ),
            ("组织送戏送电影进社区", "活动", "quarterly", 12, (), ""),
        ),
    ),
    (
        "culture",
        "DEPT-WL",
        _HERITAGE,
        (("协助开展非物质文化遗产普查", "普查", "ad_hoc", 8, (), ""),),
    ),
    (
        "culture",
        "DEPT-JT",
        _FITNESS,
        (
            ("组织居民参加区全民健身运动会", "活动", "yearly", 16, (), "社区老年人体育协会"),
            (
                "组织居民参加国民体质监测",
                "通知居民参加国民体质监测并登记参测名单。",
                "yearly",
                8,
                ("国民体质监测登记",),
                "",
            ),
            ("管理社区社会体育指导员", "管理", "yearly", 8, ("社会体育指导员名册",), ""),
        ),
    ),
    (
        "culture",
        "DEPT-JT",
        _DEPT_ONLY,
        (
            (
                "开展社区教育和居民学习活动",
                "活动",
                "monthly",
                24,
                ("社区教育活动记录",),
                "社区教育中心",
            ),
        ),
    ),
    (
        "veterans",
        "DEPT-TY",
        _MIL_PENSIONS,
        (
            (
                "开展退役军人信息采集",
                "采集",
                "yearly",
                40,
                ("退役军人信息采集台账",),
                "退役军人服务站",
            ),
            (
                "协助申报重点优抚对象抚恤补助",
                "受理",
                "yearly",
                8,
                ("优抚对象抚恤补助申报台账",),
                "",
            ),
            ("组织优抚对象短期疗养报名", "受理", "yearly", 4, (), ""),
            ("开展“八一”走访慰问军烈属", "走访", "yearly", 8, (), ""),
            ("登记退役士兵安置就业信息", "采集", "yearly", 8, ("退役士兵安置登记台账",), ""),
        ),
    ),
    (
        "veterans",
        "DEPT-WZ",
        _MIL_SERVICE,
        (
            (
                "开展征兵宣传和适龄青年摸底",
                "摸排",
                "yearly",
                16,
                ("征兵适龄青年摸底台账",),
                "社区征兵工作站",
            ),
        ),
    ),
    (
        "veterans",
        "DEPT-WZ",
        _MILITIA,
        (("协助开展民兵整组登记", "采集", "yearly", 8, ("民兵整组登记表",), "社区民兵连"),),
    ),
    (
        "veterans",
        "DEPT-WZ",
        _DEFENCE_EDU,
        (("开展全民国防教育宣传", "宣传", "yearly", 6, (), ""),),
    ),
    (
        "disability",
        "DEPT-CL",
        _DISABLED,
        (
            (
                "开展残疾人基本服务状况和需求信息动态更新",
                "采集",
                "yearly",
                40,
                ("残疾人基本服务状况和需求信息台账",),
                "",
            ),
            (
                "协助申报困难残疾人生活补贴和重度残疾人护理补贴",
                "受理",
                "ongoing",
                16,
                ("残疾人两项补贴申报台账",),
                "",
            ),
            (
                "协助开展残疾人康复需求调查和转介",
                "摸排",
                "yearly",
                12,
                ("残疾人康复服务转介登记",),
                "社区康复站",
            ),
            (
                "管理社区残疾人“阳光家园”",
                "管理",
                "ongoing",
                80,
                ("阳光家园托养服务记录",),
                "阳光家园",
            ),
            ("摸底残疾人就业创业情况", "摸排", "yearly", 8, (), ""),
            ("协助申请残疾人辅助器具适配", "受理", "ad_hoc", 6, (), ""),
            ("组织“全国助残日”活动", "活动", "yearly", 6, (), ""),
            ("填报残疾人工作统计报表", "上报", "quarterly", 8, ("残疾人工作统计报表",), ""),
        ),
    ),
    (
        "other",
        "DEPT-TJ",
        _ECON_CENSUS,
        (("协助开展全国经济普查", "普查", "ad_hoc", 40, ("经济普查单位清查表",), ""),),
    ),
    (
        "other",
        "DEPT-TJ",
        _CENSUS,
        (("协助开展人口普查", "普查", "ad_hoc", 60, ("人口普查摸底登记表",), ""),),
    ),
    (
        "other",
        "DEPT-TJ",
        _STATISTICS,
        (
            ("协助开展1%人口抽样调查", "普查", "ad_hoc", 40, ("人口抽样调查登记表",), ""),
            (
                "协助开展城镇住户调查",
                "联系样本住户，督促记账并按月收集账本。",
                "monthly",
                24,
                ("住户调查记账户名册",),
                "社区统计工作站",
            ),
            ("核查统计基本单位名录", "核查", "yearly", 8, ("基本单位名录核查表",), ""),
        ),
    ),
    (
        "other",
        "DEPT-SJ",
        _FOOD_SAFETY,
        (
            (
                "协助检查辖区餐饮小作坊食品安全",
                "检查",
                "monthly",
                36,
                ("食品安全检查记录",),
                "社区食品药品安全工作站",
            ),
        ),
    ),
    (
        "other",
        "DEPT-SJ",
        _SELF_EMPLOYED,
        (("摸底个体工商户经营情况", "摸排", "yearly", 16, ("个体工商户经营情况台账",), ""),),
    ),
    (
        "other",
        "DEPT-SJ",
        _CONSUMERS,
        (("开展“3·15”消费维权宣传", "宣传", "yearly", 4, (), "社区消费者投诉站"),),
    ),
    (
        "other",
        "DEPT-FL",
        _WOMEN,
        (
            ("开展“三八”维权周活动", "活动", "yearly", 8, (), "社区妇代会"),
            (
                "通知适龄妇女参加“两癌”免费检查",
                "通知适龄妇女参加两癌免费检查并统计参检人数。",
                "yearly",
                8,
                (),
                "",
            ),
        ),
    ),
    (
        "other",
        "DEPT-TW",
        _DEPT_ONLY,
        (("组织青少年暑期社会实践活动", "活动", "yearly", 16, (), "社区团支部"),),
    ),
    (
        "other",
        "DEPT-JT",
        _COMPULSORY_EDU,
        (("摸底辖区适龄儿童入学情况", "摸排", "yearly", 8, ("适龄儿童入学摸底表",), ""),),
    ),
)

# ---- 2014 survey, class "certificate" (40): stamps and certificates -----------------------------
# The first five are the certificates kept after the reform (same order as CERTIFICATES_ALLOWED).

_CERTIFICATE: tuple[_Group, ...] = (
    (
        "civil_affairs",
        "DEPT-MZ",
        _LAW_RC,
        (
            ("出具居民在社区居住证明", "核实证明", "ongoing", 40, ("出具证明登记簿",), ""),
            ("出具参加社区活动情况证明", "证明", "ad_hoc", 8, ("出具证明登记簿",), ""),
        ),
    ),
    (
        "other",
        "DEPT-JT",
        _LAW_RC,
        (("出具中小学生社区实践活动证明", "证明", "yearly", 12, ("出具证明登记簿",), ""),),
    ),
    (
        "justice",
        "DEPT-FY",
        _COURT_FEES,
        (
            (
                "出具申请缓交、减交、免交诉讼费生活困难证明",
                "核实证明",
                "ad_hoc",
                6,
                ("出具证明登记簿",),
                "",
            ),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _LAW_RC,
        (("出具居委会职责范围内其他事项证明", "证明", "ad_hoc", 12, ("出具证明登记簿",), ""),),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _DEPT_CERT,
        (
            ("出具婚姻状况证明", "核实证明", "ad_hoc", 12, (), ""),
            ("出具死亡证明", "核实证明", "ad_hoc", 8, (), ""),
            ("出具家庭经济困难证明", "核实证明", "ongoing", 30, (), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-GA",
        _DEPT_CERT,
        (("出具亲属关系证明", "核实证明", "ongoing", 24, (), ""),),
    ),
    (
        "other",
        "DEPT-GA",
        _DEPT_CERT,
        (
            ("出具居民身份信息证明", "证明", "ad_hoc", 8, (), ""),
            ("出具证件遗失证明", "证明", "ad_hoc", 8, (), ""),
        ),
    ),
    (
        "other",
        "DEPT-GA",
        _HOUSEHOLD_REG,
        (("出具户口登记项目内容变更申请证明", "核实证明", "ad_hoc", 8, (), ""),),
    ),
    (
        "urban_management",
        "DEPT-GA",
        _DEPT_CERT,
        (("出具居民养犬证明", "证明", "ad_hoc", 4, (), ""),),
    ),
    (
        "stability",
        "DEPT-GA",
        _DEPT_CERT,
        (
            ("出具无犯罪记录证明", "证明", "ad_hoc", 8, (), ""),
            ("出具社区戒毒社区康复人员情况证明", "证明", "ad_hoc", 4, (), ""),
            ("出具人员失踪证明", "核实证明", "ad_hoc", 4, (), ""),
            ("出具承租房屋居住证明", "核实证明", "ongoing", 20, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _DEPT_CERT,
        (
            ("出具出生证明", "证明", "ad_hoc", 4, (), ""),
            ("出具疾病状况证明", "证明", "ad_hoc", 6, (), ""),
            ("出具婚育状况证明", "证明", "ongoing", 16, (), ""),
            ("出具独生子女证明", "证明", "ad_hoc", 8, (), ""),
            ("为流动人口婚育证明盖章", "盖章", "ongoing", 12, ("印章使用登记簿",), ""),
            ("为计划生育奖励扶助申请表盖章", "盖章", "yearly", 8, ("印章使用登记簿",), ""),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _DEPT_CERT,
        (
            ("出具健在证明", "核实证明", "ongoing", 24, (), ""),
            ("出具居民就业状况证明", "证明", "ad_hoc", 12, (), ""),
            ("出具居民个人档案证明", "证明", "ad_hoc", 4, (), ""),
            ("为退休人员资格认证表盖章", "盖章", "yearly", 12, ("印章使用登记簿",), ""),
            ("为失业人员就业失业登记表盖章", "盖章", "ongoing", 8, ("印章使用登记簿",), ""),
        ),
    ),
    (
        "labour",
        "DEPT-YB",
        _DEPT_CERT,
        (("为居民医疗费用报销材料盖章", "盖章", "ongoing", 12, ("印章使用登记簿",), ""),),
    ),
    (
        "disability",
        "DEPT-CL",
        _DEPT_CERT,
        (
            ("出具残疾状况证明", "证明", "ad_hoc", 4, (), ""),
            ("为残疾人证申领表签署意见并盖章", "盖章", "ad_hoc", 4, ("印章使用登记簿",), ""),
        ),
    ),
    (
        "justice",
        "DEPT-SF",
        _DEPT_CERT,
        (("出具遗产继承权证明", "核实证明", "ad_hoc", 4, (), ""),),
    ),
    (
        "other",
        "DEPT-ZJ",
        _DEPT_CERT,
        (
            ("出具居民财产证明", "证明", "ad_hoc", 4, (), ""),
            ("出具公租房申请人就业收入证明", "核实证明", "yearly", 8, (), ""),
            ("出具住房困难证明", "核实证明", "yearly", 8, (), ""),
            ("出具房屋无人居住证明", "核实证明", "ad_hoc", 4, (), ""),
            ("出具家庭用电报户证明", "证明", "ad_hoc", 4, (), ""),
        ),
    ),
    (
        "other",
        "DEPT-SJ",
        _DEPT_CERT,
        (("出具市场主体住所证明", "证明", "ongoing", 16, (), ""),),
    ),
    (
        "other",
        "DEPT-JT",
        _DEPT_CERT,
        (("出具贫困学生身份证明", "核实证明", "yearly", 8, (), ""),),
    ),
    (
        "veterans",
        "DEPT-TY",
        _DEPT_CERT,
        (("为优抚对象抚恤补助申请表盖章", "盖章", "yearly", 4, ("印章使用登记簿",), ""),),
    ),
)

# ---- 2014 survey, class "evaluation" (52): creation campaigns, assessments, appraisals ----------

_EVALUATION: tuple[_Group, ...] = (
    (
        "party_building",
        "DEPT-ZZ",
        _DEPT_EVAL,
        (
            ("先进基层党组织评选", "评选", "yearly", 16, (), ""),
            ("社区党组织星级评定", "考核", "yearly", 30, ("党组织星级评定材料",), ""),
        ),
    ),
    (
        "civil_affairs",
        "DEPT-MZ",
        _DEPT_EVAL,
        (
            ("和谐社区建设示范单位评选", "创建", "yearly", 40, (), ""),
            ("敬老模范社区评选", "评选", "yearly", 16, (), ""),
            ("老年宜居社区创建", "创建", "yearly", 24, (), ""),
            ("星级社区评定", "考核", "yearly", 40, (), ""),
            ("社区服务示范单位评选", "评选", "yearly", 16, (), ""),
        ),
    ),
    (
        "health",
        "DEPT-WJ",
        _DEPT_EVAL,
        (
            ("慢性病综合防控示范社区创建", "创建", "yearly", 24, (), ""),
            ("卫生社区创建", "创建", "yearly", 40, ("卫生社区创建台账",), ""),
            ("人口和计划生育示范社区创建", "创建", "yearly", 30, ("计生示范社区创建台账",), ""),
            ("计划生育优质服务先进单位评选", "评选", "yearly", 12, (), ""),
            ("爱国卫生先进单位评选", "评选", "yearly", 12, (), ""),
            ("健康促进示范社区创建", "创建", "yearly", 24, (), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-CG",
        _DEPT_EVAL,
        (
            ("绿色社区创建", "创建", "yearly", 30, ("绿色社区创建台账",), ""),
            ("垃圾分类示范社区创建", "创建", "yearly", 24, (), ""),
            ("环境卫生整洁社区评比", "考核", "monthly", 36, (), ""),
            ("数字化城管先进社区评比", "考核", "yearly", 12, (), ""),
        ),
    ),
    (
        "urban_management",
        "DEPT-ZJ",
        _DEPT_EVAL,
        (
            ("节水型社区创建", "创建", "yearly", 16, (), ""),
            ("节能示范社区创建", "创建", "yearly", 16, (), ""),
            ("物业管理示范小区评选", "评选", "yearly", 16, (), ""),
        ),
    ),
    (
        "labour",
        "DEPT-RS",
        _DEPT_EVAL,
        (("充分就业社区创建", "创建", "yearly", 40, ("充分就业社区创建台账",), ""),),
    ),
    (
        "labour",
        "DEPT-GH",
        _DEPT_EVAL,
        (("模范职工之家创建", "创建", "yearly", 12, (), ""),),
    ),
    (
        "stability",
        "DEPT-ZF",
        _DEPT_EVAL,
        (
            ("平安社区考核", "考核", "yearly", 60, ("平安社区创建台账",), ""),
            ("无邪教社区创建", "创建", "yearly", 16, (), ""),
            ("信访“三无”社区创建", "创建", "yearly", 24, (), ""),
            ("网格化服务管理示范社区创建", "创建", "yearly", 30, (), ""),
        ),
    ),
    (
        "stability",
        "DEPT-GA",
        _DEPT_EVAL,
        (("无毒社区创建", "创建", "yearly", 24, ("无毒社区创建台账",), ""),),
    ),
    (
        "stability",
        "DEPT-FL",
        _DEPT_EVAL,
        (("平安家庭创建", "创建", "yearly", 16, (), ""),),
    ),
    (
        "stability",
        "DEPT-FR",
        _DEPT_EVAL,
        (("消防安全示范社区创建", "创建", "yearly", 24, ("消防安全示范社区创建台账",), ""),),
    ),
    (
        "stability",
        "DEPT-YJ",
        _DISASTER_STD,
        (
            (
                "综合减灾示范社区创建",
                "创建",
                "yearly",
                30,
                ("综合减灾示范社区创建台账",),
                "",
            ),
        ),
    ),
    (
        "stability",
        "DEPT-YJ",
        _DEPT_EVAL,
        (("安全社区创建", "创建", "yearly", 30, (), ""),),
    ),
    (
        "stability",
        "DEPT-SF",
        _DEPT_EVAL,
        (("社区矫正规范化建设考核", "考核", "yearly", 16, (), ""),),
    ),
    (
        "justice",
        "DEPT-SF",
        _DEPT_EVAL,
        (
            (
                "民主法治示范社区创建",
                "创建",
                "yearly",
                30,
                ("民主法治示范社区创建档案",),
                "",
            ),
            ("示范人民调解委员会创建", "创建", "yearly", 16, (), ""),
        ),
    ),
    (
        "clean_government",
        "DEPT-JW",
        _DEPT_EVAL,
        (("廉政文化进社区示范点创建", "创建", "yearly", 20, ("廉政文化示范点创建台账",), ""),),
    ),
    (
        "culture",
        "DEPT-XC",
        _DEPT_EVAL,
        (
            ("文明社区创建", "创建", "yearly", 60, ("文明社区创建台账",), ""),
            ("优秀志愿服务组织评选", "评选", "yearly", 8, (), ""),
        ),
    ),
    (
        "culture",
        "DEPT-WL",
        _DEPT_EVAL,
        (("书香社区创建", "创建", "yearly", 16, (), ""),),
    ),
    (
        "culture",
        "DEPT-JT",
        _DEPT_EVAL,
        (
            ("学习型社区创建", "创建", "yearly", 16, (), ""),
            ("体育健身示范社区创建", "创建", "yearly", 16, (), ""),
            ("社区教育示范点创建", "创建", "yearly", 16, (), ""),
        ),
    ),
    (
        "veterans",
        "DEPT-TY",
        _DEPT_EVAL,
        (("双拥模范社区创建", "创建", "yearly", 20, ("双拥创建台账",), ""),),
    ),
    (
        "disability",
        "DEPT-CL",
        _DEPT_EVAL,
        (
            ("残疾人康复示范社区创建", "创建", "yearly", 16, (), ""),
            ("扶残助残先进社区评选", "评选", "yearly", 8, (), ""),
        ),
    ),
    (
        "other",
        "DEPT-KX",
        _DEPT_EVAL,
        (("科普示范社区创建", "创建", "yearly", 16, (), "社区科普工作站"),),
    ),
    (
        "other",
        "DEPT-ZZ",
        _DEPT_EVAL,
        (("“五好”关工委创建", "创建", "yearly", 12, (), "社区关心下一代工作委员会"),),
    ),
    (
        "other",
        "DEPT-FL",
        _DEPT_EVAL,
        (
            ("五好文明家庭评选", "评选", "yearly", 8, (), ""),
            ("最美家庭评选", "评选", "yearly", 8, (), ""),
            ("妇女之家示范点创建", "创建", "yearly", 12, (), ""),
        ),
    ),
    (
        "other",
        "DEPT-TW",
        _DEPT_EVAL,
        (("青少年维权岗创建", "创建", "yearly", 8, (), "社区青少年假期活动站"),),
    ),
    (
        "other",
        "DEPT-SJ",
        _DEPT_EVAL,
        (("食品安全示范社区创建", "创建", "yearly", 16, (), ""),),
    ),
    (
        "other",
        "DEPT-TJ",
        _DEPT_EVAL,
        (("统计基层规范化建设达标", "考核", "yearly", 12, (), ""),),
    ),
)

# ---- After the reform -------------------------------------------------------------------------

# The 55 statutory daily tasks kept in the catalog (names of statutory survey items).
_KEPT_STATUTORY: tuple[str, ...] = (
    # party building (8)
    "组织开展社区党员“三会一课”",
    "开展社区党员教育培训",
    "收缴和管理党员党费",
    "办理党员组织关系接转",
    "开展民主评议党员",
    "做好入党积极分子培养考察",
    "按程序发展社区党员",
    "组织社区党组织换届选举",
    # residents' self-governance (14)
    "召集居民会议和居民代表会议",
    "执行居民会议决定和决议",
    "制定和修订居民公约",
    "开展社区居民议事协商",
    "办理本居住地区公共事务和公益事业",
    "组织社区居民委员会换届选举",
    "开展居务公开",
    "开展社区财务公开",
    "管理社区居委会财产",
    "向街道反映居民意见、要求和建议",
    "接待居民来访和咨询",
    "培育和管理社区社会组织",
    "组织开展社区志愿服务",
    "指导和监督业主大会、业主委员会工作",
    # social assistance and the elderly (6)
    "协助受理最低生活保障申请",
    "组织低保民主评议",
    "公示低保审核结果",
    "协助受理临时救助申请",
    "主动发现并报告困难群众情况",
    "开展独居空巢老人巡访关爱",
    # health (4)
    "协助开展传染病防控宣传",
    "协助做好疫情报告和密切接触者排查",
    "开展计划生育特殊家庭走访慰问",
    "协助开展严重精神障碍患者关爱帮扶",
    # urban management (3)
    "组织居民开展环境卫生清洁活动",
    "发现并报告违法建设线索",
    "协调处理居民楼院公共设施报修",
    # labour (2)
    "协助办理就业失业登记",
    "对就业困难人员开展就业援助",
    # stability (6)
    "组织开展矛盾纠纷排查",
    "组织社区群防群治队伍巡逻",
    "协助对社区矫正人员开展监督管理",
    "开展刑满释放人员安置帮教",
    "协助开展社区戒毒和社区康复工作",
    "开展群众性消防安全检查",
    # justice (3)
    "组织社区人民调解委员会调解民间纠纷",
    "宣传宪法和法律法规",
    "转交居民法律援助申请",
    # clean government (2)
    "支持居务监督委员会开展监督",
    "公开社区重大事项决策和实施情况",
    # culture (3)
    "开展社区精神文明建设活动",
    "组织社区群众文化活动",
    "组织居民开展全民健身活动",
    # veterans, disability, courts (4)
    "走访慰问优抚对象",
    "协助组织适龄青年兵役登记",
    "协助残疾人办理残疾人证",
    "见证人民法院留置送达法律文书",
)

# The 6 delegated tasks kept, now paid for by the delegating department: (name, yuan, dept).
_KEPT_DELEGATED: tuple[tuple[str, str, str], ...] = (
    ("协助开展低保家庭入户调查和邻里访问", "8000.00", "DEPT-MZ"),
    ("协助办理高龄津贴申报", "3000.00", "DEPT-MZ"),
    ("开展残疾人基本服务状况和需求信息动态更新", "5000.00", "DEPT-CL"),
    ("开展退役军人信息采集", "3000.00", "DEPT-TY"),
    ("协助开展人口普查", "12000.00", "DEPT-TJ"),
    ("采集流动人口信息", "10000.00", "DEPT-GA"),
)

# The survey certificate items kept, one per CERTIFICATES_ALLOWED entry, in the same order.
_KEPT_CERTIFICATES: tuple[str, ...] = (
    "出具居民在社区居住证明",
    "出具参加社区活动情况证明",
    "出具中小学生社区实践活动证明",
    "出具申请缓交、减交、免交诉讼费生活困难证明",
    "出具居委会职责范围内其他事项证明",
)

# ---- Certificates (DOMAIN.md §1.6) ----------------------------------------------------------

_CERT_GUIDANCE = (
    "《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（民政部等六部门，2020年）"
)

# Tianjin's list of five certificates a residents' committee may issue (name, basis, note).
_ALLOWED_CERT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("居民在社区居住证明", _LAW_RC, "居委会掌握的居住情况，经核实后出具。"),
    ("参与社区治理、参加社区活动情况证明", _LAW_RC, "限居委会组织或记录在案的活动。"),
    ("中小学生社区实践活动证明", _LAW_RC, "限在本社区开展的实践活动。"),
    (
        "诉讼中申请缓交、减交、免交诉讼费及司法救助的生活困难证明",
        _COURT_FEES,
        "经入户核实家庭生活困难情况后出具。",
    ),
    ("居委会职责范围内依法依规应出具的其他证明", _LAW_RC, "须在居委会职责范围内且能够核实。"),
)

# The national list of twenty certificates residents' committees no longer issue (name, note).
_FORBIDDEN_CERT_ROWS: tuple[tuple[str, str], ...] = (
    ("亲属关系证明", "由户籍、婚姻登记等部门依档案信息核实。"),
    ("居民身份信息证明", "以居民身份证和户籍信息为准。"),
    ("户口登记项目内容变更申请证明", "由户籍登记机关依法核查办理。"),
    ("居民养犬证明", "由养犬登记管理部门办理。"),
    ("无犯罪记录证明", "由公安机关依申请出具。"),
    ("社区戒毒社区康复人员情况证明", "由负责管理的部门依职责出具。"),
    ("人员失踪证明", "由公安机关依职责出具或人民法院依法宣告。"),
    ("婚姻状况证明", "由婚姻登记机关查询档案或当事人书面承诺。"),
    ("出生证明", "由助产医疗机构签发出生医学证明。"),
    ("健在证明", "通过资格认证、信息比对等方式核实。"),
    ("死亡证明", "由医疗卫生机构或公安机关依职责出具。"),
    ("疾病状况证明", "由医疗机构出具诊断证明。"),
    ("残疾状况证明", "以残疾人证或评定机构结论为准。"),
    ("婚育状况证明", "通过部门信息共享或当事人书面承诺解决。"),
    ("居民就业状况证明", "由人力资源社会保障部门依登记信息核实。"),
    ("居民个人档案证明", "由档案保管单位出具。"),
    ("居民财产证明", "由不动产登记等部门依登记信息出具。"),
    ("遗产继承权证明", "通过公证或诉讼途径确认。"),
    ("市场主体住所证明", "实行住所申报承诺制，由登记机关核查。"),
    ("证件遗失证明", "由证件签发机关依申请办理挂失补办。"),
)

# ---- Negative list (DOMAIN.md §1.6) ---------------------------------------------------------

_BASIS_136 = "民发〔2015〕136号"
_BASIS_13 = "中发〔2017〕13号"
_BASIS_FORMALISM = "《关于解决形式主义突出问题为基层减负的通知》"

_NEGATIVE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("招商引资任务", "招商引资是政府经济职能，不得下达给群众性自治组织。", _BASIS_136),
    ("协税护税任务", "税收征管由税务机关负责，社区无征管职责和能力。", _BASIS_136),
    ("经济创收指标", "社区是群众自治组织，不承担经济创收任务。", _BASIS_136),
    ("以社区为责任主体的行政执法", "执法权属于行政机关，社区只能发现和报告问题。", _BASIS_136),
    (
        "以社区为责任主体的拆迁拆违",
        "征收和拆违由政府及其部门依法实施，社区不作责任主体。",
        _BASIS_136,
    ),
    ("以社区为责任主体的环境整治", "环境整治责任在职能部门，社区只宣传动员居民参与。", _BASIS_136),
    ("以社区为责任主体的城市管理", "城市管理是部门职责，社区只配合发现和报告问题。", _BASIS_136),
    ("部门职责范围内的安全生产检查", "安全生产监管属部门法定职责，不得转交社区承担。", _BASIS_13),
    ("部门职责范围内的食品安全检查", "食品安全监管属部门法定职责，社区无检查资质。", _BASIS_13),
    ("部门职责范围内的市场监管检查", "市场监管检查须由执法人员实施，不得由社区代行。", _BASIS_13),
    ("以社区名义摊派任务", "订阅报刊、募捐指标、推销保险等摊派加重社区负担。", _BASIS_FORMALISM),
    (
        "要求社区在政务APP打卡、转发点赞",
        "以留痕代替实绩的做法属于形式主义，应予取消。",
        _BASIS_FORMALISM,
    ),
    ("未经准入在社区设立组织机构", "在社区设立机构须经准入审批，否则社区有权拒绝。", _BASIS_136),
    ("未经准入在社区场所挂牌", "社区牌子过多过滥，未经准入的一律不得悬挂。", _BASIS_136),
    (
        "未经准入要求社区建立台账、填报报表",
        "台账报表须经准入并统一归口，避免重复填报。",
        _BASIS_136,
    ),
    ("未经准入在社区开展调查统计", "调查统计须经准入并提供经费和工作条件。", _BASIS_136),
    ("未经准入对社区开展专项检查", "专项检查须经准入，不得以检查代替部门履职。", _BASIS_136),
    ("未经准入对社区开展考核评比", "考核评比须经准入并统一组织，防止多头考核。", _BASIS_136),
    ("未经准入在社区开展创建达标活动", "创建达标须经准入，不得要求社区层层达标。", _BASIS_136),
    ("部门单独对社区进行考核评比", "对社区的考核统一由区级组织，部门不得单独考核。", _BASIS_136),
    ("要求社区出具清单外证明", "社区只出具证明清单内且职责范围内能够核实的证明。", _CERT_GUIDANCE),
)

# ---- Other bodies (SPEC.md §1, §2) ---------------------------------------------------------------

_OTHER_BODY_ROWS: tuple[tuple[str, str, str, str, str | None, bool], ...] = (
    (
        "CMTE",
        "区社区建设指导委员会",
        "District Community Building Guidance Committee",
        "committee",
        _DISTRICT_CODE,
        False,
    ),
    (
        "CMTE-OFFICE",
        "区社区建设指导委员会办公室",
        "Office of the District Community Building Guidance Committee",
        "committee_office",
        "CMTE",
        False,
    ),
    (
        "SUP-PARTY",
        "区委督查室",
        "Supervision Office of the District Party Committee",
        "supervision_office",
        _DISTRICT_CODE,
        False,
    ),
    (
        "SUP-GOV",
        "区政府督查室",
        "Supervision Office of the District Government",
        "supervision_office",
        _DISTRICT_CODE,
        False,
    ),
    ("AUDIT", "区审计局", "District Audit Bureau", "audit_bureau", _DISTRICT_CODE, False),
    (
        "SO-1",
        "市北区示例社会工作服务中心",
        "Shibei Example Social Work Service Centre",
        "social_org",
        _DISTRICT_CODE,
        True,
    ),
    (
        "SO-2",
        "市北区示例居家养老服务中心",
        "Shibei Example Home Care Service Centre",
        "social_org",
        _DISTRICT_CODE,
        True,
    ),
    (
        "SO-3",
        "市北区示例青少年成长服务社",
        "Shibei Example Youth Development Service Agency",
        "social_org",
        _DISTRICT_CODE,
        True,
    ),
)

# ------------------------------------------------------------------------------------------------
# Builders
# ------------------------------------------------------------------------------------------------

_ELECTRONIC_MARKERS = ("系统", "数据库", "电子", "平台", "网格", "录入")
_BOTH_SUFFIXES = ("台账", "报表", "月报")


def _ledger_medium(name: str) -> str:
    """Paper, electronic or both, read off the ledger's name."""
    if any(marker in name for marker in _ELECTRONIC_MARKERS):
        return "electronic"
    if name.endswith(_BOTH_SUFFIXES):
        return "both"
    return "paper"


def _duty(text: str) -> str:
    """Expand a duty key, or return a sentence given in full."""
    sentence = _DUTY.get(text, text)
    if not sentence.endswith("。"):
        raise ValueError(f"community duty is neither a key nor a sentence: {text!r}")
    return sentence


def _build_subdistricts() -> tuple[OrgSpec, ...]:
    return tuple(
        OrgSpec(code, name, name_en, "subdistrict", _DISTRICT_CODE, False)
        for code, name, name_en in _SUBDISTRICT_ROWS
    )


def _build_communities() -> tuple[OrgSpec, ...]:
    result: list[OrgSpec] = []
    for parent, rows in _COMMUNITY_ROWS:
        names = [stem + "社区" for stem, _ in rows]
        taken = {_KNOWN_COMMUNITY_SUFFIX[n] for n in names if n in _KNOWN_COMMUNITY_SUFFIX}
        next_free = 1
        for (_, stem_en), name in zip(rows, names, strict=True):
            suffix = _KNOWN_COMMUNITY_SUFFIX.get(name)
            if suffix is None:
                while next_free in taken:
                    next_free += 1
                suffix = next_free
                taken.add(suffix)
            code = f"{parent}{suffix:03d}"
            result.append(OrgSpec(code, name, f"{stem_en} Community", "community", parent, True))
    return tuple(sorted(result, key=lambda org: org.code))


def _build_departments() -> tuple[OrgSpec, ...]:
    return tuple(
        OrgSpec(code, name, name_en, "department", _DISTRICT_CODE, False)
        for code, name, name_en in _DEPARTMENT_ROWS
    )


def _build_other_bodies() -> tuple[OrgSpec, ...]:
    return tuple(OrgSpec(*row) for row in _OTHER_BODY_ROWS)


def _build_survey() -> tuple[tuple[ItemSpec, ...], tuple[LedgerSpec, ...], tuple[PlaqueSpec, ...]]:
    """Number the survey items, and collect ledgers and plaques in order of first use."""
    items: list[ItemSpec] = []
    ledgers: dict[str, LedgerSpec] = {}
    plaques: dict[str, PlaqueSpec] = {}
    tables = (
        ("statutory", _STATUTORY),
        ("delegated", _DELEGATED),
        ("certificate", _CERTIFICATE),
        ("evaluation", _EVALUATION),
    )
    for item_class, groups in tables:
        for domain, department, basis, rows in groups:
            if domain not in _DOMAINS:
                raise ValueError(f"unknown domain {domain!r}")
            for name, duty, frequency, hours, ledger_names, plaque_name in rows:
                if frequency not in _FREQUENCIES:
                    raise ValueError(f"unknown frequency {frequency!r} for {name!r}")
                ledger_codes: list[str] = []
                for ledger_name in ledger_names:
                    if ledger_name not in ledgers:
                        code = f"TZ-{len(ledgers) + 1:03d}"
                        medium = _ledger_medium(ledger_name)
                        ledgers[ledger_name] = LedgerSpec(code, ledger_name, medium, department)
                    ledger_codes.append(ledgers[ledger_name].code)
                plaque_codes: tuple[str, ...] = ()
                if plaque_name:
                    if plaque_name not in plaques:
                        code = f"PZ-{len(plaques) + 1:03d}"
                        plaques[plaque_name] = PlaqueSpec(code, plaque_name, department)
                    plaque_codes = (plaques[plaque_name].code,)
                items.append(
                    ItemSpec(
                        code=f"S2014-{len(items) + 1:04d}",
                        name=name,
                        item_class=item_class,
                        domain=domain,
                        legal_basis=basis,
                        department=department,
                        community_duty=_duty(duty),
                        frequency=frequency,
                        estimated_hours=hours,
                        funding=None,
                        ledgers=tuple(ledger_codes),
                        plaques=plaque_codes,
                    )
                )
    return tuple(items), tuple(ledgers.values()), tuple(plaques.values())


def _code_of(name: str, item_class: str) -> str:
    for item in SURVEY_ITEMS:
        if item.name == name and item.item_class == item_class:
            return item.code
    raise KeyError(f"no {item_class} survey item named {name!r}")


def _build_negative_list() -> tuple[NegativeSpec, ...]:
    return tuple(
        NegativeSpec(f"FM-{i:02d}", name, reason, basis)
        for i, (name, reason, basis) in enumerate(_NEGATIVE_ROWS, start=1)
    )


def _build_allowed_certificates() -> tuple[CertificateSpec, ...]:
    return tuple(
        CertificateSpec(f"ZM-Y{i:02d}", name, basis, note)
        for i, (name, basis, note) in enumerate(_ALLOWED_CERT_ROWS, start=1)
    )


def _build_forbidden_certificates() -> tuple[CertificateSpec, ...]:
    return tuple(
        CertificateSpec(f"ZM-N{i:02d}", name, _CERT_GUIDANCE, note)
        for i, (name, note) in enumerate(_FORBIDDEN_CERT_ROWS, start=1)
    )


# ------------------------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------------------------

DISTRICT: OrgSpec = OrgSpec(_DISTRICT_CODE, "市北区", "Shibei District", "district", None, False)
SUBDISTRICTS: tuple[OrgSpec, ...] = _build_subdistricts()
COMMUNITIES: tuple[OrgSpec, ...] = _build_communities()
DEPARTMENTS: tuple[OrgSpec, ...] = _build_departments()
OTHER_BODIES: tuple[OrgSpec, ...] = _build_other_bodies()

SURVEY_ITEMS: tuple[ItemSpec, ...]
LEDGERS: tuple[LedgerSpec, ...]
PLAQUES: tuple[PlaqueSpec, ...]
SURVEY_ITEMS, LEDGERS, PLAQUES = _build_survey()

NEGATIVE_LIST: tuple[NegativeSpec, ...] = _build_negative_list()
CERTIFICATES_ALLOWED: tuple[CertificateSpec, ...] = _build_allowed_certificates()
CERTIFICATES_FORBIDDEN: tuple[CertificateSpec, ...] = _build_forbidden_certificates()

REFORMED_STATUTORY: tuple[str, ...] = tuple(_code_of(name, "statutory") for name in _KEPT_STATUTORY)
REFORMED_DELEGATED: tuple[ReformedDelegated, ...] = tuple(
    ReformedDelegated(_code_of(name, "delegated"), funding, department)
    for name, funding, department in _KEPT_DELEGATED
)
REFORMED_CERTIFICATES: tuple[str, ...] = tuple(
    _code_of(name, "certificate") for name in _KEPT_CERTIFICATES
)
