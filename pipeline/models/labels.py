"""Vietnamese labels of record fields, for messages a secretariat reads."""

from __future__ import annotations

LABELS: dict[str, str] = {
    # document
    "khoi": "Khối (Đảng / Nhà nước)",
    "the_thuc": "Thể thức",
    "mau": "Mẫu văn bản",
    "minh_hoa": "Trường minh họa",
    "co_quan": "Cơ quan ban hành",
    "cap_tren": "Cơ quan cấp trên",
    "ban_hanh": "Tên cơ quan ban hành",
    "viet_tat": "Ký hiệu cơ quan",
    "dia_danh": "Địa danh",
    "loai": "Loại văn bản",
    "ten_loai": "Tên loại in trên văn bản",
    "so": "Số văn bản",
    "ngay": "Ngày ban hành",
    "nam": "Năm",
    "trich_yeu": "Trích yếu",
    "noi_dung": "Nội dung",
    "chu_ky": "Chữ ký",
    "quyen_han": "Quyền hạn ký",
    "thay_mat": "Thay mặt",
    "chuc_vu": "Chức vụ người ký",
    "ho_ten": "Họ tên người ký",
    "noi_nhan": "Nơi nhận",
    "cac_noi": "Các nơi nhận",
    "ten": "Tên",
    "ghi_chu": "Ghi chú",
    "dau": "Dấu câu cuối dòng",
    "ghi_chu_sau_dau": "Ghi chú sau dấu câu",
    "luu": "Dòng lưu",
    # body blocks
    "doan": "Đoạn văn",
    "muc": "Mục",
    "y": "Ý (khoản đánh số)",
    "gach": "Gạch đầu dòng",
    "bang": "Bảng",
    "tieu_de": "Dòng tiêu đề bảng",
    "hang": "Các hàng của bảng",
    "do_rong": "Độ rộng cột",
    # programme
    "chi_tieu": "Chỉ tiêu",
    "nhiem_vu": "Nhiệm vụ",
    "phan_cong": "Phân công",
    "id": "Mã",
    "moc": "Mốc thời gian",
    "thoi_han": "Thời hạn",
    "gia_tri": "Giá trị",
    "don_vi_tinh": "Đơn vị tính",
    "nhan": "Nhãn",
    "chu_tri": "Đơn vị chủ trì",
    "phoi_hop": "Đơn vị phối hợp",
    "don_vi": "Đơn vị",
}


def label_for(field: str) -> str:
    """Return the Vietnamese label of ``field``, or the field name when it has none."""
    return LABELS.get(field, field)
