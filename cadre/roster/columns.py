"""The roster sheet: which columns a township file has, what they may be called, and how
the coded fields are written in Chinese. One list serves the importer, the blank template
and the export, so a file the system writes always reads back the same."""

from common.headers import Column

from ..models import Education, Gender, PoliticalStatus, Source, Tier

EXAMPLE_MARK = "示例"  # a row whose 序号 says this is the template's example, never imported

ROSTER_COLUMNS = (
    Column("seq", "序号", frozenset({"编号", "序"}), width=6),
    # A township secretary's file may leave the township out (see parsing.parse_sheet).
    Column(
        "township",
        "乡镇(街道)",
        frozenset({"乡镇", "街道", "乡镇街道", "所在乡镇", "乡(镇)", "镇(街道)"}),
        required=True,
    ),
    Column(
        "village",
        "村(社区)",
        frozenset({"村", "社区", "村社区", "村(居)", "所在村", "所在村(社区)", "村别"}),
        required=True,
    ),
    Column("name", "姓名", frozenset({"名字"}), required=True, width=10),
    Column("gender", "性别", width=6),
    Column("ethnicity", "民族", width=8),
    Column(
        "id_number",
        "身份证号",
        frozenset({"身份证号码", "公民身份号码", "公民身份证号码", "身份证", "居民身份证号码", "身份证件号码"}),
        required=True,
        width=22,
    ),
    Column("birth_date", "出生年月", frozenset({"出生日期", "出生年月日", "出生时间"})),
    Column(
        "phone",
        "联系电话",
        frozenset({"电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"}),
        width=14,
    ),
    Column("education", "学历", frozenset({"文化程度", "最高学历", "全日制学历"}), required=True),
    Column("political_status", "政治面貌", required=True),
    Column("party_joined_on", "入党时间", frozenset({"入党日期", "入党年月"})),
    Column("source", "来源", frozenset({"人员来源", "后备干部来源", "类别", "人员类别"}), required=True, width=16),
    Column("tier", "层级", frozenset({"后备层级", "培养层级", "级别"}), width=8),
    Column(
        "entered_on",
        "列入后备时间",
        frozenset({"列入时间", "列入后备干部时间", "纳入后备时间", "确定为后备干部时间", "入库时间"}),
        width=12,
    ),
    Column(
        "current_job",
        "现任职务",
        frozenset({"现任职务/工作", "现职务", "现工作单位及职务", "职务", "现从事工作"}),
        width=18,
    ),
    Column("specialty", "特长", frozenset({"专长", "个人特长"}), width=16),
    Column("notes", "备注", width=20),
)
COLUMNS_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}

# Chinese labels as township files write them; the first is what the system writes.
CHOICE_LABELS = {
    "gender": {Gender.MALE: ["男"], Gender.FEMALE: ["女"]},
    "education": {
        Education.JUNIOR: ["初中及以下", "初中", "小学", "初中以下"],
        Education.SENIOR: ["高中/中专", "高中", "中专", "职高", "技校", "高中(中专)", "中专/高中"],
        Education.COLLEGE: ["大专", "专科", "大学专科", "高职"],
        Education.BACHELOR: ["本科", "大学本科", "大学"],
        Education.POSTGRADUATE: ["研究生", "硕士", "博士", "硕士研究生", "博士研究生"],
    },
    "political_status": {
        PoliticalStatus.MEMBER: ["中共党员", "党员", "共产党员"],
        PoliticalStatus.PROBATIONARY: ["中共预备党员", "预备党员"],
        PoliticalStatus.ACTIVIST: ["入党积极分子", "积极分子"],
        PoliticalStatus.APPLICANT: ["已递交入党申请书", "入党申请人", "递交入党申请书"],
        PoliticalStatus.LEAGUE: ["共青团员", "团员"],
        PoliticalStatus.MASSES: ["群众"],
    },
    "source": {
        Source.RETURNED_MIGRANT: ["返乡农民工", "返乡务工人员", "外出务工返乡人员"],
        Source.RETURNED_GRADUATE: ["返乡创业大学生", "返乡大学生", "大学生", "高校毕业生"],
        Source.VETERAN: ["退伍军人", "退役军人", "复员退伍军人"],
        Source.BUSINESS_LEADER: ["农村致富带头人", "致富带头人", "致富能手"],
        Source.LOCAL_TALENT: ["乡土实用人才", "乡土人才", "实用人才"],
        Source.VOLUNTEER: ["志愿服务队/党员突击队", "志愿服务队", "党员突击队", "志愿者"],
        Source.GROUP_LEADER: ["村民小组长", "小组长", "组长"],
        Source.OTHER: ["其他"],
    },
    "tier": {
        Tier.VILLAGE: ["村级", "村"],
        Tier.TOWNSHIP: ["镇级", "乡镇级", "乡级", "镇"],
        Tier.COUNTY: ["县级", "区级", "县(区)级", "县"],
    },
}


def label_of(key: str, code: str) -> str:
    return CHOICE_LABELS[key][code][0]


def code_lookup(key: str) -> dict[str, str]:
    """Every accepted spelling of a coded field, mapped to its code."""
    return {label: code for code, labels in CHOICE_LABELS[key].items() for label in labels}
