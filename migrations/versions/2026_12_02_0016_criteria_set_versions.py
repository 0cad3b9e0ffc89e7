"""criteria sets and policy as versioned data

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 00:00:00.000000

The built-in criteria sets become published version 1, in force from 2020-01-01 (before any
year the application scores): frozen copies of criteria/sets/ as they were at this revision, so
a later change of a file never changes what this migration wrote.
"""

import json
from collections.abc import Sequence
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILT_IN_FROM = date(2020, 1, 1)


def upgrade() -> None:
    op.create_table(
        'criteria_set_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column(
            'status',
            sa.Enum('draft', 'published', name='version_status', native_enum=False,
                    create_constraint=True, length=9),
            nullable=False,
        ),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status = 'draft' OR effective_from IS NOT NULL",
            name=op.f('ck_criteria_set_version_published_has_effective_date'),
        ),
        sa.CheckConstraint('version >= 1', name=op.f('ck_criteria_set_version_version_positive')),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'],
            name=op.f('fk_criteria_set_version_created_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['published_by_id'], ['user_account.id'],
            name=op.f('fk_criteria_set_version_published_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['unit.id'], name=op.f('fk_criteria_set_version_unit_id_unit'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_set_version')),
        sa.UniqueConstraint('name', 'version', name='uq_criteria_set_version_name_version'),
    )
    op.create_index(
        op.f('ix_criteria_set_version_name'), 'criteria_set_version', ['name'], unique=False
    )
    op.create_table(
        'policy_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column(
            'status',
            sa.Enum('draft', 'published', name='version_status', native_enum=False,
                    create_constraint=True, length=9),
            nullable=False,
        ),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('effective_from', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status = 'draft' OR effective_from IS NOT NULL",
            name=op.f('ck_policy_version_published_has_effective_date'),
        ),
        sa.CheckConstraint('version >= 1', name=op.f('ck_policy_version_version_positive')),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'],
            name=op.f('fk_policy_version_created_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['published_by_id'], ['user_account.id'],
            name=op.f('fk_policy_version_published_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version')),
        sa.UniqueConstraint('version', name='uq_policy_version_version'),
    )
    op.create_table(
        'criteria_set_pin',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('set_name', sa.String(length=60), nullable=False),
        sa.Column('pinned_by_id', sa.Integer(), nullable=True),
        sa.Column('pinned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['pinned_by_id'], ['user_account.id'],
            name=op.f('fk_criteria_set_pin_pinned_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['unit.id'], name=op.f('fk_criteria_set_pin_unit_id_unit'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_set_pin')),
        sa.UniqueConstraint('unit_id', 'set_name', name='uq_criteria_set_pin_unit_set'),
    )
    op.create_index(
        op.f('ix_criteria_set_pin_unit_id'), 'criteria_set_pin', ['unit_id'], unique=False
    )
    versions = sa.table(
        'criteria_set_version',
        sa.column('name', sa.String),
        sa.column('version', sa.Integer),
        sa.column('status', sa.String),
        sa.column('data', sa.JSON),
        sa.column('effective_from', sa.Date),
        sa.column('created_at', sa.DateTime),
        sa.column('published_at', sa.DateTime),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(
        versions,
        [
            {
                'name': data['name'],
                'version': data['version'],
                'status': 'published',
                'data': data,
                'effective_from': BUILT_IN_FROM,
                'created_at': now,
                'published_at': now,
            }
            for data in json.loads(BUILT_IN_SETS)
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_criteria_set_pin_unit_id'), table_name='criteria_set_pin')
    op.drop_table('criteria_set_pin')
    op.drop_table('policy_version')
    op.drop_index(op.f('ix_criteria_set_version_name'), table_name='criteria_set_version')
    op.drop_table('criteria_set_version')


# criteria/sets/*.json at revision 0016, frozen.
BUILT_IN_SETS = r"""
[
 {
  "name": "nd335-front-desk",
  "version": 1,
  "rulebook": "nd335",
  "title": "Công chức làm việc tại bộ phận một cửa (Nghị định 335/2025/NĐ-CP)",
  "applies_to": {
   "categories": [
    "cong_chuc"
   ],
   "leader": false
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Phẩm chất chính trị, đạo đức",
      "description": "Chấp hành đường lối của Đảng, pháp luật của Nhà nước; giữ gìn phẩm chất đạo đức, lối sống; không có biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC2",
      "name": "Văn hóa công vụ, kỷ luật, kỷ cương",
      "description": "Chấp hành nội quy, quy chế, thời giờ làm việc; ứng xử đúng văn hóa công vụ; không vi phạm kỷ luật, kỷ cương hành chính.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC3",
      "name": "Tinh thần trách nhiệm",
      "description": "Chủ động, tận tụy với công việc được giao; phối hợp với đồng nghiệp; chịu trách nhiệm về kết quả công việc của mình.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC4",
      "name": "Thái độ phục vụ người dân, doanh nghiệp",
      "description": "Tiếp nhận, giải quyết công việc của người dân, doanh nghiệp đúng quy định, kịp thời; thái độ lịch sự, không gây phiền hà, sách nhiễu.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC5",
      "name": "Đổi mới, sáng tạo, dám nghĩ, dám làm",
      "description": "Đề xuất và thực hiện cách làm mới, sáng kiến, cải tiến nâng cao hiệu quả công việc; dám đảm nhận việc khó, việc mới vì lợi ích chung.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ được giao",
      "description": "Bình quân điểm các tháng, quý: so sánh sản phẩm hoàn thành với sản phẩm được giao sau khi quy đổi theo hệ số của vị trí việc làm, về số lượng, chất lượng và tiến độ; mỗi lần trả lại do sai sót lớn về nội dung trừ 25% điểm chất lượng của sản phẩm, mỗi lần chậm trừ 25% điểm tiến độ, trừ khi có nguyên nhân khách quan được xác nhận.",
      "source": "Nghị định 335/2025/NĐ-CP: kết quả thực hiện nhiệm vụ theo tháng, quý (70 điểm)",
      "max_points": 60
     },
     {
      "code": "NV2",
      "name": "Mức độ hài lòng của người dân, doanh nghiệp",
      "description": "Kết quả khảo sát, đánh giá mức độ hài lòng của người dân, doanh nghiệp đối với việc tiếp nhận, giải quyết thủ tục hành chính tại bộ phận một cửa; số phản ánh, kiến nghị có căn cứ.",
      "max_points": 10,
      "source": "Chỉ đạo của địa phương: sự hài lòng của người dân, doanh nghiệp đối với bộ phận một cửa"
     }
    ]
   }
  ]
 },
 {
  "name": "nd335-leader",
  "version": 1,
  "rulebook": "nd335",
  "title": "Công chức giữ chức vụ lãnh đạo, quản lý (Nghị định 335/2025/NĐ-CP)",
  "applies_to": {
   "categories": [
    "cong_chuc"
   ],
   "leader": true
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Phẩm chất chính trị, đạo đức",
      "description": "Chấp hành đường lối của Đảng, pháp luật của Nhà nước; giữ gìn phẩm chất đạo đức, lối sống; không có biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC2",
      "name": "Văn hóa công vụ, kỷ luật, kỷ cương",
      "description": "Chấp hành nội quy, quy chế, thời giờ làm việc; ứng xử đúng văn hóa công vụ; không vi phạm kỷ luật, kỷ cương hành chính.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC3",
      "name": "Tinh thần trách nhiệm",
      "description": "Chủ động, tận tụy với công việc được giao; phối hợp với đồng nghiệp; chịu trách nhiệm về kết quả công việc của mình.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC4",
      "name": "Thái độ phục vụ người dân, doanh nghiệp",
      "description": "Tiếp nhận, giải quyết công việc của người dân, doanh nghiệp đúng quy định, kịp thời; thái độ lịch sự, không gây phiền hà, sách nhiễu.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC5",
      "name": "Đổi mới, sáng tạo, dám nghĩ, dám làm",
      "description": "Đề xuất và thực hiện cách làm mới, sáng kiến, cải tiến nâng cao hiệu quả công việc; dám đảm nhận việc khó, việc mới vì lợi ích chung.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả công việc của bản thân",
      "description": "Điểm nhiệm vụ của bản thân theo sản phẩm được giao, chấm như công chức không giữ chức vụ, kể cả việc chỉ đạo, kiểm tra công việc của công chức thuộc quyền.",
      "max_points": 35,
      "source": "Nghị định 335/2025/NĐ-CP: kết quả công việc của bản thân; chính sách của đơn vị 50%"
     },
     {
      "code": "NV2",
      "name": "Kết quả của đơn vị phụ trách",
      "description": "100% khi mọi công chức thuộc quyền quản lý hoàn thành nhiệm vụ trở lên; 50% khi có người không hoàn thành nhiệm vụ.",
      "max_points": 21,
      "source": "Nghị định 335/2025/NĐ-CP: kết quả của đơn vị; chính sách của đơn vị 30%"
     },
     {
      "code": "NV3",
      "name": "Năng lực tổ chức, điều hành",
      "description": "Khả năng tổ chức thực hiện, phân công, đôn đốc, kiểm tra; xử lý việc tồn đọng, quá hạn; phối hợp với các đơn vị liên quan.",
      "max_points": 14,
      "source": "Nghị định 335/2025/NĐ-CP: năng lực tổ chức; chính sách của đơn vị 20%"
     }
    ]
   }
  ]
 },
 {
  "name": "nd335-non-leader",
  "version": 1,
  "rulebook": "nd335",
  "title": "Công chức không giữ chức vụ lãnh đạo, quản lý (Nghị định 335/2025/NĐ-CP)",
  "applies_to": {
   "categories": [
    "cong_chuc"
   ],
   "leader": false
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Phẩm chất chính trị, đạo đức",
      "description": "Chấp hành đường lối của Đảng, pháp luật của Nhà nước; giữ gìn phẩm chất đạo đức, lối sống; không có biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC2",
      "name": "Văn hóa công vụ, kỷ luật, kỷ cương",
      "description": "Chấp hành nội quy, quy chế, thời giờ làm việc; ứng xử đúng văn hóa công vụ; không vi phạm kỷ luật, kỷ cương hành chính.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC3",
      "name": "Tinh thần trách nhiệm",
      "description": "Chủ động, tận tụy với công việc được giao; phối hợp với đồng nghiệp; chịu trách nhiệm về kết quả công việc của mình.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC4",
      "name": "Thái độ phục vụ người dân, doanh nghiệp",
      "description": "Tiếp nhận, giải quyết công việc của người dân, doanh nghiệp đúng quy định, kịp thời; thái độ lịch sự, không gây phiền hà, sách nhiễu.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     },
     {
      "code": "TC5",
      "name": "Đổi mới, sáng tạo, dám nghĩ, dám làm",
      "description": "Đề xuất và thực hiện cách làm mới, sáng kiến, cải tiến nâng cao hiệu quả công việc; dám đảm nhận việc khó, việc mới vì lợi ích chung.",
      "max_points": 6,
      "source": "Nghị định 335/2025/NĐ-CP: tiêu chí chung (30 điểm)"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ được giao",
      "description": "Bình quân điểm các tháng, quý: so sánh sản phẩm hoàn thành với sản phẩm được giao sau khi quy đổi theo hệ số của vị trí việc làm, về số lượng, chất lượng và tiến độ; mỗi lần trả lại do sai sót lớn về nội dung trừ 25% điểm chất lượng của sản phẩm, mỗi lần chậm trừ 25% điểm tiến độ, trừ khi có nguyên nhân khách quan được xác nhận.",
      "source": "Nghị định 335/2025/NĐ-CP: kết quả thực hiện nhiệm vụ theo tháng, quý (70 điểm)",
      "max_points": 70
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-can-bo",
  "version": 1,
  "rulebook": "nd90",
  "title": "Cán bộ (Nghị định 90/2020/NĐ-CP, Điều 4–7)",
  "applies_to": {
   "categories": [
    "can_bo"
   ],
   "leader": true
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 6,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 6,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 6,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 6,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC5",
      "name": "Kết quả lãnh đạo, quản lý của đơn vị",
      "description": "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách; năng lực lãnh đạo, quản lý, điều hành, tổ chức thực hiện nhiệm vụ; năng lực tập hợp, đoàn kết.",
      "max_points": 6,
      "source": "Khoản 5 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ của bản thân",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "max_points": 40,
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ"
     },
     {
      "code": "NV2",
      "name": "Kết quả của cơ quan, đơn vị được giao phụ trách",
      "description": "Tỷ lệ chỉ tiêu, nhiệm vụ của đơn vị hoàn thành, hoàn thành đúng tiến độ, bảo đảm chất lượng và vượt mức; mức xếp loại của các đơn vị trực tiếp phụ trách.",
      "max_points": 30,
      "source": "Điều 4 đến Điều 6, khoản 2 Điều 8 đến Điều 10 và Điều 12 đến Điều 14 Nghị định 90/2020/NĐ-CP"
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-cong-chuc-leader",
  "version": 1,
  "rulebook": "nd90",
  "title": "Công chức giữ chức vụ lãnh đạo, quản lý (Nghị định 90/2020/NĐ-CP, Điều 8–11)",
  "applies_to": {
   "categories": [
    "cong_chuc"
   ],
   "leader": true
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 6,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 6,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 6,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 6,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC5",
      "name": "Kết quả lãnh đạo, quản lý của đơn vị",
      "description": "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách; năng lực lãnh đạo, quản lý, điều hành, tổ chức thực hiện nhiệm vụ; năng lực tập hợp, đoàn kết.",
      "max_points": 6,
      "source": "Khoản 5 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ của bản thân",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "max_points": 40,
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ"
     },
     {
      "code": "NV2",
      "name": "Kết quả của cơ quan, đơn vị được giao phụ trách",
      "description": "Tỷ lệ chỉ tiêu, nhiệm vụ của đơn vị hoàn thành, hoàn thành đúng tiến độ, bảo đảm chất lượng và vượt mức; mức xếp loại của các đơn vị trực tiếp phụ trách.",
      "max_points": 30,
      "source": "Điều 4 đến Điều 6, khoản 2 Điều 8 đến Điều 10 và Điều 12 đến Điều 14 Nghị định 90/2020/NĐ-CP"
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-cong-chuc",
  "version": 1,
  "rulebook": "nd90",
  "title": "Công chức không giữ chức vụ lãnh đạo, quản lý (Nghị định 90/2020/NĐ-CP, Điều 8–11)",
  "applies_to": {
   "categories": [
    "cong_chuc"
   ],
   "leader": false
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 8,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 8,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 7,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 7,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ được giao",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ",
      "max_points": 70
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-front-desk",
  "version": 1,
  "rulebook": "nd90",
  "title": "Công chức, viên chức làm việc tại bộ phận một cửa (Nghị định 90/2020/NĐ-CP)",
  "applies_to": {
   "categories": [
    "cong_chuc",
    "vien_chuc"
   ],
   "leader": false
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 8,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 8,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 7,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 7,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ được giao",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ",
      "max_points": 60
     },
     {
      "code": "NV2",
      "name": "Mức độ hài lòng của người dân, doanh nghiệp",
      "description": "Kết quả khảo sát, đánh giá mức độ hài lòng của người dân, doanh nghiệp đối với việc tiếp nhận, giải quyết thủ tục hành chính tại bộ phận một cửa; số phản ánh, kiến nghị có căn cứ.",
      "max_points": 10,
      "source": "Chỉ đạo của địa phương: sự hài lòng của người dân, doanh nghiệp đối với bộ phận một cửa"
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-vien-chuc-leader",
  "version": 1,
  "rulebook": "nd90",
  "title": "Viên chức quản lý (Nghị định 90/2020/NĐ-CP, Điều 12–15)",
  "applies_to": {
   "categories": [
    "vien_chuc"
   ],
   "leader": true
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 6,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 6,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 6,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 6,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC5",
      "name": "Kết quả lãnh đạo, quản lý của đơn vị",
      "description": "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách; năng lực lãnh đạo, quản lý, điều hành, tổ chức thực hiện nhiệm vụ; năng lực tập hợp, đoàn kết.",
      "max_points": 6,
      "source": "Khoản 5 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ của bản thân",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "max_points": 40,
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ"
     },
     {
      "code": "NV2",
      "name": "Kết quả của cơ quan, đơn vị được giao phụ trách",
      "description": "Tỷ lệ chỉ tiêu, nhiệm vụ của đơn vị hoàn thành, hoàn thành đúng tiến độ, bảo đảm chất lượng và vượt mức; mức xếp loại của các đơn vị trực tiếp phụ trách.",
      "max_points": 30,
      "source": "Điều 4 đến Điều 6, khoản 2 Điều 8 đến Điều 10 và Điều 12 đến Điều 14 Nghị định 90/2020/NĐ-CP"
     }
    ]
   }
  ]
 },
 {
  "name": "nd90-vien-chuc",
  "version": 1,
  "rulebook": "nd90",
  "title": "Viên chức không giữ chức vụ quản lý (Nghị định 90/2020/NĐ-CP, Điều 12–15)",
  "applies_to": {
   "categories": [
    "vien_chuc",
    "nguoi_lao_dong"
   ],
   "leader": false
  },
  "groups": [
   {
    "code": "general",
    "name": "Tiêu chí chung",
    "max_points": 30,
    "criteria": [
     {
      "code": "TC1",
      "name": "Chính trị tư tưởng",
      "description": "Chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước; đặt lợi ích của tập thể, quốc gia, dân tộc lên trên lợi ích cá nhân; có lập trường, quan điểm vững vàng.",
      "max_points": 8,
      "source": "Khoản 1 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC2",
      "name": "Đạo đức, lối sống",
      "description": "Không tham nhũng, tiêu cực, lãng phí, quan liêu, cơ hội, vụ lợi, hách dịch, cửa quyền; lối sống trung thực, khiêm tốn, giản dị, lành mạnh.",
      "max_points": 8,
      "source": "Khoản 2 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC3",
      "name": "Tác phong, lề lối làm việc",
      "description": "Có trách nhiệm với công việc; năng động, sáng tạo, dám nghĩ, dám làm, linh hoạt trong thực hiện nhiệm vụ; phương pháp làm việc khoa học, dân chủ, đúng nguyên tắc; thái độ đúng mực, văn hóa, tận tình phục vụ.",
      "max_points": 7,
      "source": "Khoản 3 Điều 3 Nghị định 90/2020/NĐ-CP"
     },
     {
      "code": "TC4",
      "name": "Ý thức tổ chức kỷ luật",
      "description": "Chấp hành sự phân công của tổ chức; thực hiện quy định, quy chế, nội quy của cơ quan; báo cáo đầy đủ, trung thực, đúng thời hạn; kê khai, công khai tài sản, thu nhập theo quy định.",
      "max_points": 7,
      "source": "Khoản 4 Điều 3 Nghị định 90/2020/NĐ-CP"
     }
    ]
   },
   {
    "code": "tasks",
    "name": "Kết quả thực hiện nhiệm vụ",
    "max_points": 70,
    "criteria": [
     {
      "code": "NV1",
      "name": "Kết quả thực hiện nhiệm vụ được giao",
      "description": "Mức độ hoàn thành các nhiệm vụ trong kế hoạch công tác năm: số lượng, tiến độ, chất lượng, hiệu quả; nhiệm vụ vượt mức; nhiệm vụ chưa hoàn thành hoặc chưa bảo đảm chất lượng, tiến độ.",
      "source": "Điều 8 đến Điều 15 Nghị định 90/2020/NĐ-CP: tiêu chí về kết quả thực hiện nhiệm vụ",
      "max_points": 70
     }
    ]
   }
  ]
 }
]
"""
